"""What the Slack channel's tests share: the recording fake Slack Web API, one per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.auxil.fake_slack import FakeSlack


@pytest.fixture
def slack_api() -> Iterator[FakeSlack]:
    api = FakeSlack()
    api.start()
    yield api
    api.stop()
