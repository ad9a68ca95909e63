"""``action_turn``: the one custom action. Every customer message makes one call to it.

A message is answered once (``actions/once.py``), however often Rasa retries it. The
turn's CPU work runs off the event loop within a time limit; past it, the customer gets
an apology in their language rather than silence.
"""

from __future__ import annotations

import asyncio
import logging
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
from actions.once import answer_once
from bot.store.tickets import Tickets
from bot.store.turn_ledger import TurnLedger
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
        if self._ledger is None or not message_id:
            events = await self._turn(dispatcher, tracker)
            return events if events is not None else self._apologise(dispatcher, tracker)
        return await answer_once(
            ledger=self._ledger,
            sender_id=tracker.sender_id,
            message_id=message_id,
            dispatcher=dispatcher,
            answer=lambda: self._turn(dispatcher, tracker),
            apologise=lambda: self._apologise(dispatcher, tracker),
            time_limit=self._time_limit,
        )

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
            self._incidents.after(ctx, reply, tickets=self._tickets)
        send(dispatcher, reply)
        return events(reply, ctx.state)

    def _apologise(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        language = str(tracker.get_slot("language") or self._engines.texts.default_language)
        channel = tracker.get_latest_input_channel() or "rest"
        text = self._engines.texts.line("sys_internal_error", channel=channel, language=language)
        dispatcher.utter_message(text=text, kind="apology")
        return []
