"""A customer message is answered once, whatever Rasa retries.

Rasa calls the action again for the same message when a call fails or times out. The
ledger (:class:`bot.store.turn_ledger.TurnLedger`) lets the first call claim the
message; a later call for it waits while the first runs, then hands back the first
answer instead of running the turn and its effects (a ticket, a stored question) twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.store.turn_ledger import Claim, TurnLedger

Events = list[dict[str, Any]]


async def answer_once(
    *,
    ledger: TurnLedger,
    sender_id: str,
    message_id: str,
    dispatcher: CollectingDispatcher,
    answer: Callable[[], Awaitable[Events | None]],
    apologise: Callable[[], Events],
    time_limit: float,
) -> Events:
    """Run ``answer`` for this message unless it ran already; its result is kept.

    ``answer`` returns None when it ran out of time (nothing was stored): the claim is
    given back, so Rasa's next try runs the turn, and the customer hears ``apologise``.
    """
    claim = await _claim(ledger, sender_id, message_id, time_limit)
    if claim.response is not None:  # answered before: the same answer, no effects
        dispatcher.messages.extend(claim.response["messages"])
        return list(claim.response["events"])
    if not claim.won:  # still running elsewhere past the time limit
        return apologise()
    try:
        result = await answer()
    except Exception:
        ledger.release(sender_id, message_id)
        raise
    if result is None:
        ledger.release(sender_id, message_id)
        return apologise()
    ledger.complete(sender_id, message_id, {"messages": dispatcher.messages, "events": result})
    return result


async def _claim(ledger: TurnLedger, sender_id: str, message_id: str, limit: float) -> Claim:
    claim = ledger.claim(sender_id, message_id)
    deadline = time.monotonic() + limit
    while not claim.won and claim.response is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)  # the first call is still running this turn
        claim = ledger.claim(sender_id, message_id)
    return claim
