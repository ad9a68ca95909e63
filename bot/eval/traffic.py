"""Seeded synthetic traffic whose true analytics figures are known (issue 14's benchmark).

Each conversation follows a scripted path (answered, clarify then choice, none of
these, a person asked for, anger, misses, after hours, reopened, abandoned...), and
its true outcome is written down from the path itself, not derived from the events.
The events go into Rasa's own ``events`` table as Rasa's event classes serialise
them, the tickets into Frontline's tables, so ``frontline report`` reads exactly what
a running system would have stored.

Business hours here are Monday to Friday, 09:00-17:00 UTC, without holidays, and
times are chosen so that business-hours durations are known by construction.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.hours.calendar import BusinessHours
from bot.hours.config import parse_hours
from bot.store.models import TicketMessageRow, TicketRow

CHANNELS = ("web", "telegram", "slack")
LANGUAGES = ("en", "es", "de", "fr", "pt", "ar")
ENTRIES = tuple(f"entry_{n:02d}" for n in range(12))
# Paths and their weights; every outcome and handoff reason is exercised.
PATHS = {
    "answered": 30,
    "clarify_choice": 10,
    "none_of_these": 6,
    "reopened": 6,
    "no_answer": 6,
    "abandoned_clarify": 5,
    "greeting_only": 3,
    "request": 8,
    "anger": 6,
    "sensitive": 3,
    "missing_knowledge": 5,
    "failure_after_answer": 4,
    "after_hours_request": 8,
    "two_windows": 4,
}


def business_hours() -> BusinessHours:
    day = ["09:00-17:00"]
    weekly = {d: day for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    weekly |= {"saturday": [], "sunday": []}
    return parse_hours({"timezone": "UTC", "weekly": weekly, "response_time_minutes": 60})


@dataclass
class Truth:
    """What the report must say, written down while generating."""

    outcomes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **record: Any) -> None:
        self.outcomes.append(record)

    def figures(self) -> dict[str, Any]:
        """The headline figures the report must print, counted from the scripts."""
        records = self.outcomes
        total = len(records)
        kinds = ("automated_resolution", "handoff", "abandoned", "no_answer")

        def counted(group: list[dict[str, Any]]) -> dict[str, Any]:
            n = len(group)
            out: dict[str, Any] = {"conversations": n}
            for kind in kinds:
                hits = sum(1 for r in group if r["outcome"] == kind)
                out[f"{kind}_count"] = hits
                out[f"{kind}_rate"] = round(hits / n, 4) if n else 0.0
            return out

        rated = [r["csat"] for r in records if r["csat"] is not None]
        expected = {
            **counted(records),
            "reopened": sum(1 for r in records if r["reopen_count"]),
            "after_hours_handoffs": sum(1 for r in records if r["after_hours"]),
            "csat_count": len(rated),
            "csat_average": round(sum(rated) / len(rated), 3) if rated else None,
            "handoff_reasons": {
                reason: sum(1 for r in records if r["reason"] == reason)
                for reason in ("request", "sensitive", "anger", "missing_knowledge", "failure")
            },
        }
        for key in ("channel", "language"):
            values = sorted({r[key] for r in records})
            expected[f"by_{key}"] = {
                v: counted([r for r in records if r[key] == v]) for v in values
            }
        for name in ("first_response", "resolution"):
            for variant, suffix in (("", "_s"), ("business_", "_business_s")):
                values = sorted(
                    r[f"{name}{suffix}"] for r in records if r[f"{name}{suffix}"] is not None
                )
                for label, q in (("median", 50), ("p90", 90)):
                    # nearest rank: the smallest value with at least q% of values at or below it
                    rank = -(-q * len(values) // 100)
                    expected.setdefault("human", {})[f"{name}_{variant}{label}_s"] = (
                        values[max(rank, 1) - 1] if values else None
                    )
        answered: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            for entry in record["entries_answered"]:
                answered.setdefault(entry, []).append(record)
        expected["entries"] = {
            entry: {
                "conversations": len(group),
                "resolution_rate": round(
                    sum(1 for r in group if r["outcome"] == "automated_resolution") / len(group), 4
                ),
            }
            for entry, group in sorted(answered.items())
        }
        assert total == expected["conversations"]
        return expected


@dataclass
class _Conversation:
    sender_id: str
    channel: str
    language: str
    events: list[Event] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def customer(self, at: datetime, intent: str, text: str, entry: str | None = None) -> None:
        entities = [{"entity": "faq_id", "value": entry}] if entry else []
        self.events.append(
            UserUttered(
                text,
                intent={"name": intent, "confidence": 1.0},
                entities=entities,
                input_channel=self.channel,
                timestamp=at.timestamp(),
                metadata={"platform": self.channel},
            )
        )
        # What Rasa stores around every turn besides the messages: the prediction loop's
        # actions. The report must read past them, as it does on a real tracker store.
        for offset, action in ((0.001, "action_turn"), (0.002, "action_listen")):
            self.events.append(ActionExecuted(action, timestamp=at.timestamp() + offset))

    def bot(self, at: datetime, kind: str, entry: str | None = None) -> None:
        metadata: dict[str, Any] = {"kind": kind}
        if entry:
            metadata["entry"] = entry
        self.events.append(BotUttered(f"({kind})", {}, metadata, timestamp=at.timestamp()))

    def language_slot(self, at: datetime) -> None:
        self.events.append(SlotSet("language", self.language, timestamp=at.timestamp()))


def generate(
    *,
    conversations: int,
    seed: int,
    start: datetime,
    days: int = 14,
    entries: tuple[str, ...] = ENTRIES,
) -> Iterator[tuple[_Conversation, list[dict[str, Any]]]]:
    """Conversations with their true outcome records, in a reproducible order."""
    rng = random.Random(seed)
    names, weights = list(PATHS), list(PATHS.values())
    for n in range(conversations):
        conversation = _Conversation(f"{rng.choice(CHANNELS)}:{n:07d}", "", rng.choice(LANGUAGES))
        conversation.channel = conversation.sender_id.split(":")[0]
        path = rng.choices(names, weights)[0]
        truths = _script(conversation, path, rng, start, days, entries)
        yield conversation, truths


def _weekday_at(rng: random.Random, start: datetime, days: int, hour: tuple[int, int]) -> datetime:
    """A moment on a random Monday-to-Thursday within the period, between the hours."""
    while True:
        day = start + timedelta(days=rng.randrange(days))
        if day.weekday() < 4:
            break
    minutes = rng.randrange(hour[0] * 60, hour[1] * 60)
    return day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)


def _script(
    c: _Conversation,
    path: str,
    rng: random.Random,
    start: datetime,
    days: int,
    entries: tuple[str, ...],
) -> list[dict[str, Any]]:
    at = _weekday_at(rng, start, days, (10, 12))  # open hours, room for a reply before 17:00
    entry = rng.choice(entries)
    s = timedelta(seconds=1)
    # Rasa stores a turn's slots after its messages: the first turn sets the language.
    c.language_slot(at + 1.5 * s)
    truth: dict[str, Any] = {
        "sender_id": c.sender_id,
        "channel": c.channel,
        "language": c.language,
        "entries_answered": (),
        "choices": (),
        "reason": "",
        "reopen_count": 0,
        "csat": None,
        "after_hours": False,
        "first_response_s": None,
        "first_response_business_s": None,
        "resolution_s": None,
        "resolution_business_s": None,
    }
    if path in ("answered", "reopened"):
        c.customer(at, "faq", "question")
        c.bot(at + s, "answer", entry)
        truth |= {"outcome": "automated_resolution", "entries_answered": (entry,)}
        if path == "reopened":
            later = at + timedelta(hours=2)
            c.customer(later, "faq", "again")
            c.bot(later + s, "answer", entry)
            truth["reopen_count"] = 1
    elif path == "clarify_choice":
        c.customer(at, "faq", "vague")
        c.bot(at + s, "clarify")
        c.customer(at + 20 * s, "faq_choose", "/faq_choose", entry)
        c.bot(at + 21 * s, "answer", entry)
        truth |= {
            "outcome": "automated_resolution",
            "entries_answered": (entry,),
            "choices": (entry,),
        }
    elif path == "none_of_these":
        c.customer(at, "faq", "vague")
        c.bot(at + s, "clarify")
        c.customer(at + 20 * s, "faq_none", "/faq_none")
        c.bot(at + 21 * s, "no_answer")
        truth |= {"outcome": "no_answer", "choices": ("none",)}
    elif path == "no_answer":
        c.customer(at, "nlu_fallback", "unknown")
        c.bot(at + s, "no_answer")
        truth |= {"outcome": "no_answer"}
    elif path == "two_windows":  # answered, then back three days later with a new question
        c.customer(at, "faq", "question")
        c.bot(at + s, "answer", entry)
        truth |= {"outcome": "automated_resolution", "entries_answered": (entry,)}
        later = at + timedelta(days=3)
        c.customer(later, "nlu_fallback", "unknown")
        c.bot(later + s, "no_answer")
        return [truth, {**truth, "outcome": "no_answer", "entries_answered": ()}]
    elif path == "abandoned_clarify":
        c.customer(at, "faq", "vague")
        c.bot(at + s, "clarify")
        truth |= {"outcome": "abandoned"}
    elif path == "greeting_only":
        c.customer(at, "greet", "hi")
        c.bot(at + s, "chat")
        truth |= {"outcome": "abandoned"}
    else:
        _handoff(c, path, rng, at, entry, truth)
    return [truth]


def _handoff(
    c: _Conversation, path: str, rng: random.Random, at: datetime, entry: str, truth: dict[str, Any]
) -> None:
    s = timedelta(seconds=1)
    signals, reason = {
        "request": (["request"], "request"),
        "after_hours_request": (["request"], "request"),
        "anger": (["anger", "complaint"], "anger"),
        "sensitive": (["sensitive"], "sensitive"),
        "missing_knowledge": (["failure"], "missing_knowledge"),
        "failure_after_answer": (["failure", "repeat"], "failure"),
    }[path]
    queued = path == "after_hours_request"
    if queued:  # 18:00-23:00 on a Monday to Thursday; the team opens at 09:00 next day
        at = at.replace(hour=rng.randrange(18, 23))
    if path == "missing_knowledge":
        c.customer(at, "nlu_fallback", "unknown")
        c.bot(at + s, "no_answer")
        at += 30 * s
    if path == "failure_after_answer":
        c.customer(at, "faq", "question")
        c.bot(at + s, "answer", entry)
        truth["entries_answered"] = (entry,)
        at += 30 * s
    c.customer(at, "request_human" if reason == "request" else "faq", "help")
    c.bot(at + s, "queued" if queued else "handoff")
    created = at + s
    if queued:
        opening = (created + timedelta(days=1)).replace(hour=9, minute=0, second=0)
        business = rng.randrange(5, 90) * 60
        replied = opening + timedelta(seconds=business)
    else:
        business = rng.randrange(1, 120) * 60
        replied = created + timedelta(seconds=business)
    handling = rng.randrange(5, 60) * 60
    closed = replied + timedelta(seconds=handling)  # before 17:00 in both cases
    csat = rng.choice([None, 1, 2, 3, 4, 5])
    ticket_id = str(uuid.UUID(int=rng.getrandbits(128)))
    c.tickets.append(
        {
            "id": ticket_id,
            "sender_id": c.sender_id,
            "channel": c.channel,
            "language": c.language,
            "status": "returned",
            "created_at": created,
            "due_at": opening if queued else None,
            "closed_at": closed,
            "reasons": [{"signal": signal, "message": 0, "evidence": ""} for signal in signals],
            "csat": csat,
        }
    )
    c.messages.append({"ticket_id": ticket_id, "at": replied, "author": "agent", "text": "Hi"})
    c.bot(closed + s, "with_team")  # the handback
    truth |= {
        "outcome": "handoff",
        "reason": reason,
        "csat": csat,
        "after_hours": queued,
        "first_response_s": (replied - created).total_seconds(),
        "first_response_business_s": float(business),
        "resolution_s": (closed - created).total_seconds(),
        "resolution_business_s": float(business + handling),
    }


def write(
    conversations: Iterator[tuple[_Conversation, list[dict[str, Any]]]],
    *,
    tracker: Engine,
    frontline: Engine,
    batch: int = 2000,
) -> Truth:
    """Store the conversations as Rasa and Frontline would; returns the truth."""
    events_table = SQLTrackerStore.SQLEvent.__table__
    events_table.create(tracker, checkfirst=True)
    truth = Truth()
    rows: list[dict[str, Any]] = []
    tickets: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []

    def flush() -> None:
        with tracker.begin() as connection:
            if rows:
                connection.execute(insert(events_table), rows)
        with frontline.begin() as connection:
            if tickets:
                connection.execute(insert(TicketRow.__table__), tickets)
            if messages:
                connection.execute(insert(TicketMessageRow.__table__), messages)
        rows.clear()
        tickets.clear()
        messages.clear()

    for conversation, truths in conversations:
        # In the order Rasa stores them: by time (ids grow with it).
        for event in sorted(conversation.events, key=lambda e: e.timestamp):
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": conversation.sender_id,
                    "type_name": event.type_name,
                    "timestamp": event.timestamp,
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                    "action_name": data.get("name") if event.type_name == "action" else None,
                    "data": json.dumps(data),
                }
            )
        for ticket in conversation.tickets:
            tickets.append(
                {**ticket, "sentiment": [], "profile": {}, "faq_tried": [], "summary": ""}
            )
        messages.extend(conversation.messages)
        for record in truths:
            truth.add(**record)
        if len(rows) >= batch:
            flush()
    flush()
    return truth


def start_of_period(now: datetime) -> datetime:
    """Midnight UTC fourteen days before ``now``."""
    return (
        (now - timedelta(days=14))
        .astimezone(timezone.utc)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
