"""Outcome records and figures from the running system's databases (the I/O edge).

Used by ``frontline report`` and the inbox's analytics page; both see the same
records, derived afresh on each call from the tracker store and the ticket tables
(nothing is stored twice, so nothing can drift or double-count).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.faq.loader import load_knowledge_base
from bot.hours.calendar import BusinessHours
from bot.insight import sources
from bot.insight.figures import Entry, headline
from bot.insight.outcomes import Outcome, derive
from bot.settings import Settings


@dataclass(frozen=True)
class Analytics:
    """The records of a period, and the figures they add up to."""

    since: datetime
    until: datetime
    outcomes: list[Outcome]
    figures: dict[str, Any]


def open_seconds(hours: BusinessHours) -> Any:
    """``(a, b) -> seconds`` of business hours between two moments.

    The calendar's open spans are listed once and then summed with a binary search:
    asking the calendar afresh for each of 100,000 tickets took most of a report.
    """
    starts: list[datetime] = []
    ends: list[datetime] = []
    covered: list[datetime] = []  # the period the spans are listed for

    def cover(low: datetime, high: datetime) -> None:
        if covered and covered[0] <= low and high <= covered[1]:
            return
        # List generously (a month either side) so that the next moments are covered too.
        low, high = low - timedelta(days=30), high + timedelta(days=30)
        if covered:
            low, high = min(low, covered[0]), max(high, covered[1])
        starts.clear()
        ends.clear()
        moment = low
        while moment < high:
            opening = moment if hours.is_open(moment) else hours.next_opening(moment)
            if opening is None or opening >= high:
                break
            closing = hours.next_closing(opening) or high
            starts.append(opening)
            ends.append(closing)
            moment = closing
        covered[:] = [low, high]

    def seconds(start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        # A week's margin: the first listed span may be cut short at the listing's start.
        cover(start - timedelta(days=7), end + timedelta(days=7))
        total = 0.0
        for i in range(bisect_right(ends, start), len(starts)):
            if starts[i] >= end:
                break
            total += (min(ends[i], end) - max(starts[i], start)).total_seconds()
        return total

    return seconds


def knowledge_entries(folder: Path, *, default_language: str) -> list[Entry]:
    base = load_knowledge_base(folder, default_language=default_language)
    return [
        Entry(
            entry.id,
            entry.question.get(default_language) or next(iter(entry.question.values()), ""),
            entry.last_reviewed,
        )
        for entry in base.entries.values()
    ]


def collect(
    *,
    tracker: Engine,
    sessions: sessionmaker[Session],
    hours: BusinessHours,
    entries: Sequence[Entry],
    settings: Settings,
    since: datetime,
    until: datetime,
) -> Analytics:
    """Derive every conversation window that opened in ``[since, until)``."""
    window = timedelta(hours=settings.outcome_window_hours)
    tickets = sources.tickets(sessions, since=since - window)
    seconds = open_seconds(hours)
    outcomes = [
        outcome
        for sender_id, said in sources.conversations(tracker, since=since)
        for outcome in derive(
            sender_id,
            said,
            tickets.get(sender_id, ()),
            window=window,
            reopen_gap=timedelta(minutes=settings.reopen_gap_minutes),
            open_seconds=seconds,
        )
        if since <= outcome.window_start < until
    ]
    outcomes.sort(key=lambda o: (o.window_start, o.sender_id))
    figures = headline(
        outcomes,
        entries=entries,
        today=until.date(),
        stale_after=timedelta(days=settings.stale_entry_days),
    )
    figures["since"], figures["until"] = since.isoformat(), until.isoformat()
    return Analytics(since, until, outcomes, figures)
