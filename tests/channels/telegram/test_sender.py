"""The sender against a fake Bot API, through a real python-telegram-bot ``Bot``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from telegram import Bot

from bot.channels.pacing import TokenBuckets
from bot.channels.telegram.render import TelegramMessage
from bot.channels.telegram.sender import TelegramSender
from tests.auxil.fake_api import Failure
from tests.auxil.fake_telegram import TOKEN, FakeTelegram, too_many_requests


@pytest.fixture
def api() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


class Clock:
    """A fake clock whose sleeps move time forward, and which records them."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def sender_for(api: FakeTelegram, clock: Clock, **kwargs: object) -> TelegramSender:
    bot = Bot(TOKEN, base_url=api.base_url)
    return TelegramSender(bot=bot, sleep=clock.sleep, now=lambda: clock.now, **kwargs)  # type: ignore[arg-type]


def test_a_429_is_waited_out_for_exactly_retry_after(api: FakeTelegram) -> None:
    clock = Clock()
    api.fail_next("sendMessage", too_many_requests(retry_after=7), times=2)
    asyncio.run(
        sender_for(api, clock).deliver(5, "private", TelegramMessage("sendMessage", "hi", "hi"))
    )
    assert clock.sleeps == [7.0, 7.0]
    assert len(api.calls_to("sendMessage", chat_id=5)) == 3


def test_sends_to_one_chat_are_paced_after_a_short_burst(api: FakeTelegram) -> None:
    clock = Clock()
    pacing = {
        "private": TokenBuckets(rate=1.0, burst=3),
        "group": TokenBuckets(rate=20 / 60, burst=3),
        "all": TokenBuckets(rate=30.0, burst=30),
    }
    sender = sender_for(api, clock, pacing=pacing)

    async def five() -> None:
        for i in range(5):
            await sender.deliver(5, "private", TelegramMessage("sendMessage", str(i), str(i)))
        await sender.deliver(6, "private", TelegramMessage("sendMessage", "x", "x"))

    asyncio.run(five())
    assert clock.sleeps == pytest.approx([1.0, 1.0])  # the 4th and 5th waited; chat 6 did not
    assert [c.params["text"] for c in api.calls_to("sendMessage", chat_id=5)] == list("01234")


def test_html_the_api_rejects_is_resent_as_plain_text(api: FakeTelegram) -> None:
    api.fail_next(
        "sendMessage",
        Failure(
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: can't parse entities: unexpected end tag",
            },
        ),
    )
    message = TelegramMessage("sendMessage", "<b>Hi</b>", "Hi")
    asyncio.run(sender_for(api, Clock()).deliver(5, "private", message))
    first, second = api.calls_to("sendMessage", chat_id=5)
    assert first.params["parse_mode"] == "HTML"
    assert second.params["text"] == "Hi" and "parse_mode" not in second.params


def test_a_chat_that_blocked_the_bot_is_skipped_without_retrying(api: FakeTelegram) -> None:
    api.fail_next(
        "sendMessage",
        Failure(
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        ),
    )
    clock = Clock()
    asyncio.run(
        sender_for(api, clock).deliver(5, "private", TelegramMessage("sendMessage", "a", "a"))
    )
    assert len(api.calls_to("sendMessage")) == 1 and clock.sleeps == []


def test_typing_is_shown_while_the_block_runs(api: FakeTelegram) -> None:
    sender = sender_for(api, Clock())

    async def turn() -> None:
        async with sender.typing(5):
            await asyncio.sleep(0.3)

    asyncio.run(turn())
    assert api.calls_to("sendChatAction", chat_id=5, action="typing")
