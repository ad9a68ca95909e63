"""Telegram in polling mode: a second Rasa server that reads getUpdates from the fake Bot API."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from telegram import Chat, Message, Update, User

from tests.auxil import fake_telegram
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.servers import BotServers, server_env

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def polling_rasa(
    bot: BotServers,
    trained_model: Path,
    telegram_api: FakeTelegram,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotServers]:
    """A Rasa server in polling mode, sharing the action server of ``bot``."""
    workdir = tmp_path_factory.mktemp("polling")
    env = server_env(
        workdir,
        bot.workdir / "faq",
        telegram_token=fake_telegram.TOKEN,
        telegram_api_url=telegram_api.base_url,
        telegram_mode="polling",
    )
    servers = BotServers(workdir=workdir, env=env, actions_port=bot.actions_port)
    try:
        servers.start_rasa(trained_model)
        yield servers
    finally:
        servers.stop()


def test_polling_mode_answers_without_a_public_url(
    polling_rasa: BotServers, telegram_api: FakeTelegram
) -> None:
    telegram_api.wait_for("deleteWebhook", timeout=60)
    chat = random.randint(10**8, 10**9)
    message = Message(
        1,
        datetime.now(timezone.utc),
        Chat(chat, "private"),
        from_user=User(chat, "Ana", False, language_code="en"),
        text="how do I reset my password?",
    )
    telegram_api.queue_update(Update(random.randint(10**6, 10**7), message=message).to_dict())
    sent = telegram_api.wait_for("sendMessage", chat_id=chat, timeout=60)
    assert "Forgot password" in sent[0].params["text"]
    assert polling_rasa.tracker(f"telegram-{chat}")["events"]
