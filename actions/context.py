"""Rasa's tracker as the turn's typed context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from bot.store.tickets import Ticket
from bot.turn.context import TicketView, TurnContext
from bot.turn.history import conversation
from bot.turn.metadata import read_metadata
from bot.turn.state import ConversationState


def turn_context(
    tracker: Tracker, *, now: datetime, ticket: Ticket | None, closed: Ticket | None
) -> TurnContext:
    """The turn for the tracker's latest message, at ``now``."""
    message: dict[str, Any] = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    confidence = (message.get("intent") or {}).get("confidence")
    return TurnContext(
        sender_id=tracker.sender_id,
        text=str(message.get("text") or ""),
        intent=str(intent) if intent else None,
        confidence=float(confidence) if isinstance(confidence, (int, float)) else 1.0,
        channel=tracker.get_latest_input_channel() or "rest",
        now=now,
        state=ConversationState.from_slots(tracker.slots),
        entities={
            str(e["entity"]): str(e["value"])
            for e in message.get("entities") or []
            if e.get("entity") and e.get("value") is not None
        },
        metadata=read_metadata(message.get("metadata")),
        history=tuple(conversation(tracker.events)),
        ticket=_view(ticket),
        closed_ticket=_view(closed),
        first_of_session=first_of_session(tracker.events),
    )


def first_of_session(events: list[dict[str, Any]]) -> bool:
    """Whether the latest user message is the first since the session started."""
    users = 0
    for event in reversed(events):
        if event.get("event") == "session_started":
            break
        users += event.get("event") == "user"
    return users <= 1


def _view(ticket: Ticket | None) -> TicketView | None:
    if ticket is None:
        return None
    return TicketView(ticket.id, ticket.status, ticket.due_at, rated=ticket.csat is not None)
