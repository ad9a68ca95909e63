"""Getting updates from Telegram: registering the webhook, or long polling.

Registering the webhook happens at start-up, when a fleet of replicas restarting
together easily hits Telegram's flood limit. A 429 is waited out as Telegram
asks and network errors back off exponentially, so start-up never dies there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.sender import seconds

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


async def register_webhook(
    bot: Bot,
    *,
    url: str,
    secret: str,
    attempts: int = 8,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> bool:
    """Point Telegram at ``url``; True once it accepted. Retries 429s and network errors."""
    for attempt in range(1, attempts + 1):
        try:
            await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            log.info("telegram: webhook registered at %s", url)
            return True
        except RetryAfter as error:
            delay = seconds(error.retry_after)
            log.warning("telegram: setWebhook hit the flood limit; retrying in %.0fs", delay)
        except InvalidToken:
            log.error("telegram: the bot token was rejected; check FRONTLINE_TELEGRAM_TOKEN")
            return False
        except NetworkError as error:
            delay = min(2.0**attempt, 60.0)
            log.warning("telegram: setWebhook failed (%s); retrying in %.0fs", error, delay)
        except TelegramError as error:
            log.error("telegram: setWebhook refused: %s", error)
            return False
        await sleep(delay)
    log.error("telegram: could not register the webhook after %d attempts", attempts)
    return False


async def poll(
    bot: Bot,
    handle: Callable[[Update], Awaitable[object]],
    *,
    timeout: int = 25,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Long-poll ``getUpdates`` forever, handing each update to ``handle`` in order."""
    await bot.delete_webhook()
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES
            )
            failures = 0
        except RetryAfter as error:
            await sleep(seconds(error.retry_after))
            continue
        except NetworkError as error:
            failures += 1
            delay = min(2.0**failures, 60.0)
            log.warning("telegram: getUpdates failed (%s); retrying in %.0fs", error, delay)
            await sleep(delay)
            continue
        for update in updates:
            offset = update.update_id + 1
            await handle(update)
