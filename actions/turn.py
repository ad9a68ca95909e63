"""``action_turn``: the one custom action. Every customer message makes one call to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import turn_context
from actions.dispatch import events, send
from actions.effects import TurnEffects
from bot.store.tickets import Tickets
from bot.turn.engines import TurnEngines
from bot.turn.turn import take_turn

HANDOFF_ENDED = "handoff_ended"


class ActionTurn(Action):
    def __init__(
        self,
        *,
        engines: TurnEngines,
        tickets: Tickets,
        effects: TurnEffects,
        clock: Callable[[], datetime],
    ) -> None:
        self._engines = engines
        self._tickets = tickets
        self._effects = effects
        self._clock = clock

    def name(self) -> str:
        return "action_turn"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        ending = (tracker.latest_message.get("intent") or {}).get("name") == HANDOFF_ENDED
        ticket = self._tickets.active_for(tracker.sender_id, transcript=False)
        closed = self._tickets.latest_closed(tracker.sender_id) if ending else None
        ctx = turn_context(tracker, now=self._clock(), ticket=ticket, closed=closed)
        # Embedding the message is CPU work: off the event loop, so other turns go on.
        reply = await asyncio.to_thread(take_turn, ctx, engines=self._engines)
        self._effects.store(ctx, reply)
        send(dispatcher, reply)
        return events(reply, ctx.state)
