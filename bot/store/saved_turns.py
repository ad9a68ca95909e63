"""Asks Rasa's tracker store whether a message was saved, and what the bot said to it.

A resend that takes over the claim of a process that died mid-turn must not run the
turn again if that process got as far as saving it (Rasa saves last): the customer's
message would be in the conversation twice. And a client that buffers replies (REST)
gets them again from here instead of an empty answer.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.store.rasa_events import EVENTS

_BOT_FIELDS = ("text", "buttons", "image", "attachment", "custom", "quick_replies", "elements")


class SavedTurns:
    def __init__(self, *, engine: Engine) -> None:
        self._engine = engine

    def replies(self, sender_id: str, message_id: str) -> list[dict[str, Any]] | None:
        """What the bot said to message ``message_id``; None if it was never saved."""
        # Rasa serialises events with json.dumps' default separators.
        needle = f'%"message_id": {json.dumps(message_id)}%'
        first = (
            select(EVENTS.c.id)
            .where(
                EVENTS.c.sender_id == sender_id,
                EVENTS.c.type_name == "user",
                EVENTS.c.data.like(needle),
            )
            .order_by(EVENTS.c.id)
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(EVENTS.c.id, EVENTS.c.type_name, EVENTS.c.data)
            .where(EVENTS.c.sender_id == sender_id, EVENTS.c.id >= first)
            .order_by(EVENTS.c.id)
            .limit(500)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:
            return None
        said: list[dict[str, Any]] = []
        for _, kind, data in rows[1:]:
            if kind == "user":
                break
            if kind == "bot":
                said.append(_message(json.loads(data)))
        return said


def _message(event: dict[str, Any]) -> dict[str, Any]:
    """A bot event as Rasa hands a response to an output channel."""
    data = event.get("data") or {}
    message = {"text": event.get("text"), **{k: data.get(k) for k in _BOT_FIELDS[1:]}}
    return {key: value for key, value in message.items() if value}
