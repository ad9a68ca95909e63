"""Webhook registration and long polling against a fake Bot API, with a real ``Bot``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from telegram import Bot, Chat, Message, Update, User

from bot.channels.telegram.connection import poll, register_webhook
from tests.auxil.fake_api import Failure
from tests.auxil.fake_telegram import TOKEN, FakeTelegram, too_many_requests


@pytest.fixture
def api() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


def test_register_webhook_waits_out_429s_then_succeeds(api: FakeTelegram) -> None:
    api.fail_next("setWebhook", too_many_requests(retry_after=3), times=2)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot = Bot(TOKEN, base_url=api.base_url)
    assert asyncio.run(register_webhook(bot, url="https://h.example/w", secret="s", sleep=sleep))
    assert waits == [3.0, 3.0]
    assert len(api.calls_to("setWebhook", url="https://h.example/w", secret_token="s")) == 3


def test_register_webhook_gives_up_on_a_rejected_token(api: FakeTelegram) -> None:
    api.fail_next(
        "setWebhook", Failure(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    )
    bot = Bot(TOKEN, base_url=api.base_url)
    assert not asyncio.run(register_webhook(bot, url="https://h.example/w", secret="s"))
    assert len(api.calls_to("setWebhook")) == 1


def test_polling_hands_over_every_update_once_in_order(api: FakeTelegram) -> None:
    user = User(42, "Ana", False)
    for update_id in (10, 11, 12):
        message = Message(
            update_id,
            datetime.now(timezone.utc),
            Chat(42, "private"),
            from_user=user,
            text=f"m{update_id}",
        )
        api.queue_update(Update(update_id, message=message).to_dict())
    seen: list[int] = []

    async def run() -> None:
        bot = Bot(TOKEN, base_url=api.base_url)

        async def handle(update: Update) -> None:
            seen.append(update.update_id)

        task = asyncio.create_task(poll(bot, handle, timeout=1))
        while len(api.calls_to("getUpdates")) < 3:
            await asyncio.sleep(0.05)
        task.cancel()

    asyncio.run(run())
    assert seen == [10, 11, 12]
    assert api.calls_to("deleteWebhook")
    offsets = [c.params.get("offset") for c in api.calls_to("getUpdates")]
    # Acknowledged: nothing is handed out twice.
    assert [str(o) for o in offsets[1:3]] == ["13", "13"]
