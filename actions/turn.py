"""``action_turn``: the one custom action. Every customer message makes one call to it.

A message is answered once: Rasa may call again for the same message (it retries when a
call fails), and the ledger hands back the first answer instead of running the turn
and its effects twice. The turn's CPU work runs off the event loop within a time
limit; past it, the customer gets an apology in their language rather than silence.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import turn_context
from actions.dispatch import events, send
from actions.effects import TurnEffects
from actions.incidents import IncidentTurns
from bot.store.tickets import Tickets
from bot.store.turn_ledger import Claim, TurnLedger
from bot.turn.engines import TurnEngines
from bot.turn.turn import take_turn

HANDOFF_ENDED = "handoff_ended"
log = logging.getLogger(__name__)


class ActionTurn(Action):
    def __init__(
        self,
        *,
        engines: TurnEngines,
        tickets: Tickets,
        effects: TurnEffects,
        clock: Callable[[], datetime],
        ledger: TurnLedger | None = None,
        time_limit: float = 20.0,
        incidents: IncidentTurns | None = None,
    ) -> None:
        self._engines = engines
        self._incidents = incidents
        self._tickets = tickets
        self._effects = effects
        self._clock = clock
        self._ledger = ledger
        self._time_limit = time_limit

    def name(self) -> str:
        return "action_turn"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message_id = str(tracker.latest_message.get("message_id") or "")
        if self._ledger is not None and message_id:
            claim = await self._claim(tracker.sender_id, message_id)
            if claim.response is not None:  # answered before: the same answer, no effects
                dispatcher.messages.extend(claim.response["messages"])
                return list(claim.response["events"])
            if not claim.won:  # still running elsewhere past the time limit
                return self._apologise(dispatcher, tracker)
        try:
            result = await self._turn(dispatcher, tracker)
        except Exception:
            if self._ledger is not None and message_id:
                self._ledger.release(tracker.sender_id, message_id)
            raise
        if result is None:
            if self._ledger is not None and message_id:
                self._ledger.release(tracker.sender_id, message_id)
            return self._apologise(dispatcher, tracker)
        if self._ledger is not None and message_id:
            self._ledger.complete(
                tracker.sender_id, message_id, {"messages": dispatcher.messages, "events": result}
            )
        return result

    async def _turn(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]] | None:
        """The turn's events, or None when it ran out of time (nothing was stored)."""
        ending = (tracker.latest_message.get("intent") or {}).get("name") == HANDOFF_ENDED
        ticket = self._tickets.active_for(tracker.sender_id, transcript=False)
        closed = self._tickets.latest_closed(tracker.sender_id) if ending else None
        ctx = turn_context(tracker, now=self._clock(), ticket=ticket, closed=closed)
        if self._incidents is not None:
            ctx = replace(ctx, incidents=self._incidents.live_for(ctx.sender_id))
        # Embedding the message is CPU work: off the event loop, so other turns go on.
        work = asyncio.to_thread(take_turn, ctx, engines=self._engines)
        try:
            reply = await asyncio.wait_for(work, timeout=self._time_limit)
        except asyncio.TimeoutError:
            log.error("action_turn: no reply within %.0f s; apologising", self._time_limit)
            return None
        self._effects.store(ctx, reply)
        if self._incidents is not None:
            self._incidents.count(ctx, reply)
        if self._incidents is not None and (reply.incidents_matched or reply.subscribe):
            opened = self._tickets.active_for(ctx.sender_id, transcript=False)
            self._incidents.record(ctx, reply, ticket_id=opened.id if opened else None)
        send(dispatcher, reply)
        return events(reply, ctx.state)

    async def _claim(self, sender_id: str, message_id: str) -> Claim:
        assert self._ledger is not None
        claim = self._ledger.claim(sender_id, message_id)
        deadline = time.monotonic() + self._time_limit
        while not claim.won and claim.response is None and time.monotonic() < deadline:
            await asyncio.sleep(0.2)  # the first call is still running this turn
            claim = self._ledger.claim(sender_id, message_id)
        return claim

    def _apologise(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        language = str(tracker.get_slot("language") or self._engines.texts.default_language)
        channel = tracker.get_latest_input_channel() or "rest"
        text = self._engines.texts.line("sys_internal_error", channel=channel, language=language)
        dispatcher.utter_message(text=text, kind="apology")
        return []
