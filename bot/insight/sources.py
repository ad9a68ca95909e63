"""Reads the facts outcomes are derived from: Rasa's events table and Frontline's tickets.

The events are streamed in conversation order straight from the tracker store's SQL
table, without building Rasa trackers: a report over 100,000 conversations reads a
million rows, and a tracker object per conversation would cost minutes and memory.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.insight.outcomes import Said, TicketFacts
from bot.store.models import TicketMessageRow, TicketRow
from bot.store.rasa_events import EVENTS

_KINDS = ("user", "bot", "slot")


def conversations(engine: Engine, *, since: datetime) -> Iterator[tuple[str, list[Said]]]:
    """Each conversation with a message since ``since``: its id and what was said, in order."""
    query = (
        select(
            EVENTS.c.sender_id,
            EVENTS.c.type_name,
            EVENTS.c.timestamp,
            EVENTS.c.intent_name,
            EVENTS.c.data,
        )
        .where(EVENTS.c.type_name.in_(_KINDS), EVENTS.c.timestamp >= since.timestamp())
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
        .execution_options(stream_results=True, yield_per=5000)
    )
    if not inspect(engine).has_table("events"):
        return  # Rasa has not served anyone yet
    current: str | None = None
    said: list[Said] = []
    state = _Reading()
    with engine.connect() as connection:
        for sender_id, kind, timestamp, intent, data in connection.execute(query):
            if sender_id != current:
                if current is not None and said:
                    yield current, said
                current, said, state = sender_id, [], _Reading()
            message = state.read(kind, timestamp, intent or "", data)
            if message is not None:
                said.append(message)
            elif kind == "slot" and state.language and said:
                _in_turns_language(said, state.language)
    if current is not None and said:
        yield current, said


class _Reading:
    """Reads a conversation's events in order, keeping its channel and language.

    Only what the outcome needs is parsed: a user event's JSON (large, with Rasa's
    intent ranking) only for the conversation's first message and for clicks; the
    intent comes from its own column.
    """

    def __init__(self) -> None:
        self.language = ""
        self.channel = ""

    def read(self, kind: str, timestamp: float, intent: str, data: str) -> Said | None:
        at = datetime.fromtimestamp(timestamp, timezone.utc)
        if kind == "slot":
            if '"language"' in data:
                event = json.loads(data)
                if event.get("name") == "language" and event.get("value"):
                    self.language = str(event["value"])
            return None
        if kind == "user":
            entry = None
            if not self.channel or intent == "faq_choose":
                event = json.loads(data)
                self.channel = str(event.get("input_channel") or self.channel)
                entry = _chosen(event)
            return Said(at, "customer", intent, entry, self.channel, self.language)
        meta = json.loads(data).get("metadata") or {}
        entry = meta.get("entry")
        return Said(
            at,
            "bot",
            str(meta.get("kind") or ""),
            entry and str(entry),
            self.channel,
            self.language,
        )


def _in_turns_language(said: list[Said], language: str) -> None:
    """The turn that set the language slot answered its customer message in it: Rasa
    stores the turn's slots after its messages, so the message is marked afterwards."""
    for index in range(len(said) - 1, -1, -1):
        said[index] = replace(said[index], language=language)
        if said[index].who == "customer":
            break


def _chosen(event: dict[str, Any]) -> str | None:
    entities = (event.get("parse_data") or {}).get("entities") or []
    return next((str(e.get("value")) for e in entities if e.get("entity") == "faq_id"), None)


def tickets(sessions: sessionmaker[Session], *, since: datetime) -> dict[str, list[TicketFacts]]:
    """The tickets opened since ``since``, by conversation."""
    found: dict[str, list[TicketFacts]] = defaultdict(list)
    with sessions() as session:
        first_replies = dict(
            session.execute(
                select(TicketMessageRow.ticket_id, TicketMessageRow.at)
                .join(TicketRow, TicketRow.id == TicketMessageRow.ticket_id)
                .where(TicketRow.created_at >= since, TicketMessageRow.author == "agent")
                .order_by(TicketMessageRow.at.desc())
            ).all()
        )  # the earliest reply of each ticket is the last one written into the dict
        for row in session.scalars(select(TicketRow).where(TicketRow.created_at >= since)):
            found[row.sender_id].append(
                TicketFacts(
                    id=row.id,
                    created_at=row.created_at,
                    signals=tuple(str(r.get("signal", "")) for r in row.reasons or []),
                    queued=row.due_at is not None,
                    first_agent_reply_at=first_replies.get(row.id),
                    closed_at=row.closed_at,
                    csat=row.csat,
                )
            )
    return found
