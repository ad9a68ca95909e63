"""Window-count histories and message feeds for the surge tests, at fixed times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.crisis.alerts import SurgeAlert
from bot.crisis.detector import CustomerMessage, SurgeDetector
from bot.crisis.rules import SurgeRules
from bot.crisis.state import SurgeState
from bot.crisis.topics import Topic
from bot.crisis.windows import WindowCount

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
"""A Monday at 10:00 in Berlin (09:00 UTC), well before daylight saving begins."""
REFUNDS = Topic("faq", "refund-status")
OUTAGE = Topic("keywords", "outage")
RULES = SurgeRules(timezone="Europe/Berlin", z=5.0, min_count=8, cooldown_minutes=120)


def history(
    topic: Topic,
    *,
    until: datetime,
    count: Callable[[datetime], int],
    angry: Callable[[datetime], int] = lambda _: 0,
    weeks: int = 4,
) -> list[WindowCount]:
    """Every 15-minute window of ``weeks`` weeks and a day before ``until``, counted by
    ``count(window start in Berlin)``."""
    first = (until - timedelta(weeks=weeks, days=1)).astimezone(timezone.utc)
    records = []
    start = first
    while start < until:
        local = start.astimezone(BERLIN)
        records.append(WindowCount(topic, start, count(local), angry(local)))
        start += timedelta(minutes=15)
    return records


def detector_with(
    records: list[WindowCount], *, rules: SurgeRules = RULES, until: datetime = MONDAY_10
) -> SurgeDetector:
    """A detector that has watched since the first record, carrying on at ``until``."""
    since = min(record.start for record in records)
    detector = SurgeDetector(rules=rules, state=SurgeState(since=since, counts=tuple(records)))
    detector.advance(until)
    return detector


def message(
    at: datetime,
    text: str = "where is my refund?",
    *,
    topic: Topic = REFUNDS,
    angry: bool = False,
    channel: str = "web",
    names: tuple[str, ...] = (),
) -> CustomerMessage:
    """A customer message about ``topic``."""
    return CustomerMessage(
        at=at, text=text, topics=(topic,), angry=angry, channel=channel, names=names
    )


def burst(
    detector: SurgeDetector,
    start: datetime,
    count: int,
    *,
    every: timedelta = timedelta(seconds=30),
    text: str = "where is my refund?",
    topic: Topic = REFUNDS,
    angry: bool = False,
) -> list[tuple[int, SurgeAlert]]:
    """Feed ``count`` messages ``every`` apart; (message number from 1, alert) per alert."""
    fired = []
    for number in range(1, count + 1):
        at = start + (number - 1) * every
        for alert in detector.observe(message(at, text, topic=topic, angry=angry)):
            fired.append((number, alert))
    return fired
