"""Sends to Telegram within its rate limits, and keeps going when Telegram pushes back.

Telegram allows about one message a second per chat (short bursts are fine), 20
a minute per group and 30 a second overall. Sends are paced to those limits up
front; a 429 (``RetryAfter``) is honoured by waiting exactly as long as asked;
timeouts and network errors are retried with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from telegram import Bot, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.pacing import TokenBuckets
from bot.channels.telegram.render import TelegramMessage

log = logging.getLogger(__name__)

TYPING_REFRESH = 4.5  # Telegram shows "typing…" for 5 seconds per chat action


def default_pacing() -> dict[str, TokenBuckets]:
    return {
        "private": TokenBuckets(rate=1.0, burst=3),
        "group": TokenBuckets(rate=20 / 60, burst=3),
        "all": TokenBuckets(rate=30.0, burst=30),
    }


def seconds(retry_after: int | float | timedelta) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


class TelegramSender:
    def __init__(
        self,
        *,
        bot: Bot,
        pacing: dict[str, TokenBuckets] | None = None,
        max_attempts: int = 5,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self._pacing = pacing or default_pacing()
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._now = now

    async def deliver(
        self, chat_id: int, chat_type: str, message: TelegramMessage
    ) -> Message | None:
        """Send ``message``, waiting out rate limits; raises when Telegram refuses it.

        Returns the sent message (None when the customer blocked the bot)."""
        scope = "private" if chat_type == "private" else "group"
        now = self._now()
        wait = max(
            self._pacing[scope].reserve(str(chat_id), now),
            self._pacing["all"].reserve("all", now),
        )
        if wait > 0:
            await self._sleep(wait)
        html = True
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._call(chat_id, message, html=html)
            except RetryAfter as error:
                delay = seconds(error.retry_after)
                log.warning("telegram: 429, retrying in %.1fs (attempt %d)", delay, attempt)
                await self._sleep(delay)
            except Forbidden:
                log.info("telegram: chat %s blocked the bot; message dropped", chat_id)
                return None
            except BadRequest as error:
                if not html or "parse" not in str(error).lower():
                    raise
                log.error("telegram: HTML rejected (%s); sending plain text", error)
                html = False
            except (TimedOut, NetworkError) as error:
                delay = min(0.5 * 2 ** (attempt - 1), 8.0)
                log.warning("telegram: %s, retrying in %.1fs", type(error).__name__, delay)
                await self._sleep(delay)
        raise RuntimeError(f"telegram: gave up after {self._max_attempts} attempts")

    async def _call(self, chat_id: int, message: TelegramMessage, *, html: bool) -> Message:
        markup = message.keyboard
        if message.method == "sendPhoto":
            return await self.bot.send_photo(chat_id, message.media or "", reply_markup=markup)
        if message.method == "sendDocument":
            return await self.bot.send_document(chat_id, message.media or "", reply_markup=markup)
        if html:
            return await self.bot.send_message(
                chat_id, message.text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        return await self.bot.send_message(chat_id, message.plain, reply_markup=markup)

    @asynccontextmanager
    async def typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing…" in the chat for as long as the block runs."""

        async def keep_typing() -> None:
            while True:
                with suppress(Exception):  # a missed typing indicator is harmless
                    await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(TYPING_REFRESH)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
