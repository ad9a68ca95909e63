from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.handoff.accounts import add_agent
from bot.training import ModelPaths, ensure_model
from tests.auxil import fake_slack, fake_telegram
from tests.auxil.fake_helpdesk import SECRET as HELPDESK_SECRET
from tests.auxil.fake_helpdesk import FakeHelpdesk
from tests.auxil.fake_slack import FakeSlack
from tests.auxil.fake_telegram import WEBHOOK_SECRET as TELEGRAM_SECRET
from tests.auxil.fake_telegram import FakeTelegram, too_many_requests
from tests.auxil.servers import ROOT, BotServers, free_port, server_env, servers_at

OPEN_HOURS = "2026-11-23T11:00:00+01:00"  # a Monday morning in Berlin (hours.yml)
AGENT_CHANNEL = "C0AGENTS"
AGENT = ("Alice Agent", "correct horse battery staple")


def agents_file(workdir: Path) -> Path:
    """The operator's agent accounts: Alice, with a hashed password."""
    path = workdir / "agents.yml"
    add_agent(path, AGENT[0], password=AGENT[1])
    return path


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The project's Rasa model, trained only if the training data changed."""
    ensure_model(ROOT)
    return ModelPaths(ROOT).model


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[FakeTelegram]:
    """The fake Bot API. Its first setWebhook answers 429, as Telegram does under load."""
    api = FakeTelegram().start()
    api.fail_next("setWebhook", too_many_requests(retry_after=1))
    yield api
    api.stop()


@pytest.fixture(scope="session")
def slack_api() -> Iterator[FakeSlack]:
    api = FakeSlack().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def helpdesk() -> Iterator[FakeHelpdesk]:
    """Receives the handoff webhook's signed ticket events."""
    desk = FakeHelpdesk().start()
    yield desk
    desk.stop()


@pytest.fixture(scope="session")
def bot(
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    telegram_api: FakeTelegram,
    slack_api: FakeSlack,
    helpdesk: FakeHelpdesk,
) -> Iterator[BotServers]:
    """The real action server and Rasa server on free ports, with every channel switched on.

    The FAQ folder is a copy of its own; Telegram and Slack talk to the local fakes.
    """
    workdir = tmp_path_factory.mktemp("bot")
    faq_dir = workdir / "faq"
    shutil.copytree(ROOT / "data" / "faq", faq_dir)
    env = server_env(
        workdir,
        faq_dir,
        telegram_token=fake_telegram.TOKEN,
        telegram_api_url=telegram_api.base_url,
        telegram_webhook_url="https://frontline.example/webhooks/telegram/webhook",
        telegram_webhook_secret=TELEGRAM_SECRET,
        slack_bot_token=fake_slack.BOT_TOKEN,
        slack_signing_secret=fake_slack.SIGNING_SECRET,
        slack_api_url=slack_api.base_url,
        # A shop's site on another local origin may embed the widget (test_web_widget).
        web_allowed_origins=json.dumps([f"http://localhost:{free_port()}"]),
        # Handoff: tickets go to an agent channel in Slack and to the inbox (test_handoff).
        slack_agent_channel=AGENT_CHANNEL,
        handoff_poll_seconds="0.3",
        handoff_remind_after_minutes="600",  # no reminders mid-suite (tests/handoff/test_desk.py)
        agents_file=str(agents_file(workdir)),
        handoff_webhook_url=helpdesk.url,
        handoff_webhook_secret=HELPDESK_SECRET,
    )
    # The action server's clock is frozen at a time the team is in, so conversations
    # do not depend on when the tests run; test_after_hours.py freezes it on a Sunday
    # evening instead.
    with servers_at(workdir, env, trained_model, OPEN_HOURS) as servers:
        yield servers
