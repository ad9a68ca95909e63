"""The incident tests run on both databases Frontline supports (:mod:`tests.auxil.databases`),
with replicas (:mod:`tests.auxil.incidents`) that share one database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.auxil.databases import database_url
from tests.auxil.incidents import Clock, Replicas

__all__ = ["database_url", "replicas"]


@pytest.fixture
def replicas(database_url: str) -> Iterator[Replicas]:
    """Start replicas on a new database with ``replicas.start()``; one clock for all."""
    group = Replicas(database_url, Clock())
    yield group
    group.dispose()
