"""The Rasa server's call to the action server, made safe to fail.

Rasa 3.6 logs a failed custom-action call ("the actions events are lost") and goes
on listening: the customer gets silence. Here the call is retried a few times with a
short backoff (``action_turn`` answers each message once, so a retry never doubles a
ticket), all attempts together take at most ``turn_time_limit`` plus a margin (far
inside the conversation lock's lifetime, :mod:`bot.store.locks`), and
if the action server still cannot answer, the customer gets an apology in their
language, recorded in the conversation like any bot message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from bot.settings import Settings

log = logging.getLogger(__name__)

BACKOFF = (0.3, 1.0, 2.0)  # seconds before each retry
APOLOGY_KIND = "apology"
CALL_MARGIN = 10  # seconds for the way to the action server and back


def install(settings: Settings, *, backoff: Sequence[float] = BACKOFF) -> None:
    """Wrap :meth:`RemoteAction.run` in this process (idempotent)."""
    import rasa.core.actions.action as action_module
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.core.events import BotUttered

    from bot.channels.texts import system_text
    from bot.locale.resolve import supported_language

    if getattr(RemoteAction.run, "frontline", False):
        return
    original = RemoteAction.run
    # One call waits as long as a turn may take, plus the way there and back.
    action_module.DEFAULT_REQUEST_TIMEOUT = int(settings.turn_time_limit + CALL_MARGIN)

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        failure: Exception | None = None
        loop = asyncio.get_running_loop()
        # All attempts together stay well inside the conversation lock's lifetime.
        deadline = loop.time() + settings.turn_time_limit + CALL_MARGIN * 2
        for attempt, delay in enumerate((0.0, *backoff)):
            if delay:
                await asyncio.sleep(delay)
            left = deadline - loop.time()
            if left <= 1:
                break
            try:
                return await asyncio.wait_for(
                    original(self, output_channel, nlg, tracker, domain), timeout=left
                )
            except ActionExecutionRejection:
                raise
            except Exception as error:  # connection refused or reset, 5xx, timeout
                failure = error
                log.warning(
                    "action %s failed (attempt %d of %d): %r",
                    self.name(),
                    attempt + 1,
                    len(backoff) + 1,
                    error,
                )
        log.error(
            "action %s failed for good (%r); the customer gets an apology", self.name(), failure
        )
        language = _language(tracker, settings, supported_language)
        channel = tracker.get_latest_input_channel() or "rest"
        text = system_text("internal_error", language, channel=channel)
        # Rasa sends the BotUttered events an action returns to the channel.
        return [BotUttered(text, metadata={"kind": APOLOGY_KIND})]

    run.frontline = True  # type: ignore[attr-defined]
    RemoteAction.run = run


def _language(tracker: Any, settings: Settings, supported_language: Any) -> str:
    """The conversation's language, else the message's locale hint, else the default."""
    slot = tracker.get_slot("language") if hasattr(tracker, "get_slot") else None
    if isinstance(slot, str) and slot in settings.languages:
        return slot
    metadata = (tracker.latest_message.metadata or {}) if tracker.latest_message else {}
    hint = supported_language(metadata.get("locale_hint"), supported=list(settings.languages))
    return str(hint or settings.default_language)
