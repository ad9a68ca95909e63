"""Counting windows: where a moment falls, and which past windows make its baseline.

Windows are aligned to the local clock of :attr:`SurgeRules.timezone` (a quarter past
nine is a quarter past nine in Berlin, summer or winter), and named by their start in
UTC. The baseline of a window is every window of the same local hour of the week in each
of the past ``baseline_weeks`` weeks: with 15-minute windows and 4 weeks, 16 counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.crisis.rules import SurgeRules
from bot.crisis.topics import Topic


@dataclass(frozen=True)
class WindowCount:
    """How many customer messages a topic had in one window: the record a store keeps.

    Attributes:
        topic: The topic.
        start: The window's start, in UTC.
        messages: Customer messages about the topic in the window.
        angry: How many of them the anger signal called angry.
    """

    topic: Topic
    start: datetime
    messages: int
    angry: int = 0


def require_aware(at: datetime) -> None:
    """Refuse a naive time: the caller's clock must say which timezone it means.

    Raises:
        ValueError: ``at`` has no timezone.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a time without a timezone: {at.isoformat()}")


def window_start(at: datetime, rules: SurgeRules) -> datetime:
    """The start (UTC) of the window ``at`` falls in."""
    require_aware(at)
    local = at.astimezone(rules.zone)
    minute = local.minute - local.minute % rules.window_minutes
    return local.replace(minute=minute, second=0, microsecond=0).astimezone(timezone.utc)


def baseline_windows(start: datetime, rules: SurgeRules) -> list[datetime]:
    """The windows (UTC starts) whose counts make the baseline of the window at ``start``.

    The same local hour of the week, every window in it, in each of the past
    ``baseline_weeks`` weeks; newest week first.
    """
    hour = start.astimezone(rules.zone).replace(minute=0, second=0, microsecond=0)
    per_hour = 60 // rules.window_minutes
    found = []
    for weeks in range(1, rules.baseline_weeks + 1):
        earlier = hour - timedelta(weeks=weeks)  # wall-clock arithmetic: DST-safe
        found += [
            (earlier + slot * rules.window).astimezone(timezone.utc) for slot in range(per_hour)
        ]
    return found


def hour_of_week(at: datetime, rules: SurgeRules) -> int:
    """0 (Monday 00:00-01:00 local) to 167 (Sunday 23:00-24:00 local)."""
    local = at.astimezone(rules.zone)
    return local.weekday() * 24 + local.hour
