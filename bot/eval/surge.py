"""Replay a trace through the surge detector and score its alerts against the injected incidents.

Definitions (``frontline eval surge`` and ``bench/surge.py`` both use them):

- An incident is the rows sharing a label. It starts at its first row and ends at its
  last. Its topics are those assigned to at least :data:`INCIDENT_TOPIC_SHARE` of its rows
  (an incident the FAQ spreads over two entries has two topics).
- An alert detects an incident when it is for one of the incident's topics and fires
  between the incident's start and one window after its end. Its delay is the time from
  the incident's start to its first such alert.
- An alert in that span for a topic that got at least :data:`RELATED_SHARE` of the
  incident's rows, but less than a quarter, is related: the same incident seen through a
  neighbouring entry (a surge about fees raises several fee entries). It is counted apart.
- Every other alert is a false alarm. Alerts are scored only once the detector is armed
  (``baseline_weeks`` after the trace's first row); false alarms per week divide by the
  weeks from then to the last row. Incidents that start before that are not scored.
- The naive detector fires when a topic's count in a window reaches a fixed number, with
  the same windows and cooldown: what a dashboard threshold would do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.crisis.alerts import SurgeAlert
from bot.crisis.detector import CustomerMessage, SurgeDetector
from bot.crisis.rules import SurgeRules
from bot.crisis.state import SurgeState
from bot.crisis.topics import Topic
from bot.crisis.windows import window_start
from bot.eval.surge_trace import TraceRow

INCIDENT_TOPIC_SHARE = 0.25
"""A topic belongs to an incident when it was assigned to at least this share of its rows."""

RELATED_SHARE = 0.05
"""A topic is related to an incident when it was assigned to at least this share of its rows."""

WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Fired:
    """An alert, reduced to what scoring needs."""

    topic: Topic
    at: datetime


@dataclass(frozen=True)
class Incident:
    """The rows of one label.

    Attributes:
        id: The label.
        start: Its first row's time.
        end: Its last row's time.
        messages: Its rows.
        topics: Its topics (see the module's definitions).
        related: Topics with a smaller share of its rows.
    """

    id: str
    start: datetime
    end: datetime
    messages: int
    topics: tuple[Topic, ...]
    related: tuple[Topic, ...] = ()


@dataclass
class Replay:
    """What a replay produced: alerts of the detector and of the naive one, and the span."""

    alerts: list[SurgeAlert]
    naive: list[Fired]
    first: datetime
    last: datetime
    armed_from: datetime | None


class FixedThreshold:
    """The naive detector: a topic alerts when its window count reaches ``threshold``."""

    def __init__(self, *, threshold: int, rules: SurgeRules) -> None:
        self.threshold = threshold
        self.rules = rules
        self._window: datetime | None = None
        self._counts: Counter[Topic] = Counter()
        self._last: dict[Topic, datetime] = {}

    def observe(self, at: datetime, topics: Iterable[Topic]) -> list[Fired]:
        """Count one message; the alerts it raises."""
        start = window_start(at, self.rules)
        if start != self._window:
            self._window, self._counts = start, Counter()
        fired = []
        for topic in topics:
            self._counts[topic] += 1
            last = self._last.get(topic)
            if self._counts[topic] >= self.threshold and (
                last is None or at - last >= self.rules.cooldown
            ):
                self._last[topic] = at
                fired.append(Fired(topic, at))
        return fired


def replay(
    rows: Sequence[TraceRow],
    *,
    topics_of: Callable[[str], tuple[Topic, ...]],
    angry_of: Callable[[str], bool],
    rules: SurgeRules,
    naive_threshold: int | None = None,
) -> Replay:
    """Feed ``rows`` (sorted by time) to a fresh detector, and to the naive one if asked."""
    if not rows:
        raise ValueError("the trace has no rows")
    detector = SurgeDetector(rules=rules, state=SurgeState(since=rows[0].at))
    naive = FixedThreshold(threshold=naive_threshold, rules=rules) if naive_threshold else None
    alerts: list[SurgeAlert] = []
    fired: list[Fired] = []
    armed_from = None
    for row in rows:
        topics = topics_of(row.text)
        message = CustomerMessage(
            at=row.at,
            text=row.text,
            topics=topics,
            channel=row.channel,
            language=row.language,
            angry=angry_of(row.text),
        )
        alerts += detector.observe(message)
        if armed_from is None and detector.armed:
            armed_from = window_start(row.at, rules)
        if naive is not None:
            fired += naive.observe(row.at, topics)
    return Replay(alerts, fired, rows[0].at, rows[-1].at, armed_from)


def incidents_of(
    rows: Iterable[TraceRow], topics_of: Callable[[str], tuple[Topic, ...]]
) -> list[Incident]:
    """The incidents of a trace, by first row."""
    grouped: dict[str, list[TraceRow]] = {}
    for row in rows:
        if row.label:
            grouped.setdefault(row.label, []).append(row)
    found = []
    for label, members in grouped.items():
        assigned = Counter(topic for row in members for topic in topics_of(row.text))
        least, some = INCIDENT_TOPIC_SHARE * len(members), RELATED_SHARE * len(members)
        topics = tuple(sorted(t for t, n in assigned.items() if n >= least))
        related = tuple(sorted(t for t, n in assigned.items() if some <= n < least))
        times = [row.at for row in members]
        found.append(Incident(label, min(times), max(times), len(members), topics, related))
    return sorted(found, key=lambda incident: incident.start)


def score(
    fired: Iterable[Fired],
    incidents: Sequence[Incident],
    *,
    armed_from: datetime | None,
    last: datetime,
    rules: SurgeRules,
) -> dict[str, Any]:
    """The figures: alerts, detected, false alarms per week, delays, and per incident."""
    scored = [i for i in incidents if armed_from is not None and i.start >= armed_from]
    counted = sorted(
        (f for f in fired if armed_from is not None and f.at >= armed_from), key=lambda f: f.at
    )
    first_alert: dict[str, Fired] = {}
    false_alarms: list[Fired] = []
    related: list[Fired] = []
    for alert in counted:
        during = [i for i in scored if i.start <= alert.at <= i.end + rules.window]
        match = [i for i in during if alert.topic in i.topics]
        for incident in match:
            first_alert.setdefault(incident.id, alert)
        if not match:
            near = any(alert.topic in i.related for i in during)
            (related if near else false_alarms).append(alert)
    weeks = (last - armed_from) / WEEK if armed_from is not None and last > armed_from else 0.0
    delays = sorted(
        (first_alert[i.id].at - i.start) / timedelta(minutes=1)
        for i in scored
        if i.id in first_alert
    )
    return {
        "alerts": len(counted),
        "incidents": len(scored),
        "detected": len(first_alert),
        "detection_rate": round(len(first_alert) / len(scored), 4) if scored else None,
        "false_alarms": len(false_alarms),
        "related_alerts": len(related),
        "weeks_scored": round(weeks, 2),
        "false_alarms_per_week": round(len(false_alarms) / weeks, 3) if weeks else None,
        "median_delay_min": _quantile(delays, 0.5),
        "p90_delay_min": _quantile(delays, 0.9),
        "per_incident": [_incident(i, first_alert.get(i.id)) for i in scored],
        "false_alarm_list": [{"topic": f.topic.key, "at": f.at.isoformat()} for f in false_alarms],
        "not_scored": [i.id for i in incidents if i not in scored],
    }


def _incident(incident: Incident, alert: Fired | None) -> dict[str, Any]:
    delay = (alert.at - incident.start) / timedelta(minutes=1) if alert else None
    return {
        "id": incident.id,
        "start": incident.start.isoformat(),
        "end": incident.end.isoformat(),
        "messages": incident.messages,
        "topics": [topic.key for topic in incident.topics],
        "related": [topic.key for topic in incident.related],
        "detected": alert is not None,
        "delay_min": round(delay, 1) if delay is not None else None,
        "alert_topic": alert.topic.key if alert else None,
    }


def _quantile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return round(values[low] + (values[high] - values[low]) * (position - low), 1)


def fired_of(alerts: Iterable[SurgeAlert]) -> list[Fired]:
    """The detector's alerts as :class:`Fired`."""
    return [Fired(alert.topic, alert.at) for alert in alerts]


def lookup(table: Mapping[str, tuple[Topic, ...]]) -> Callable[[str], tuple[Topic, ...]]:
    """``table.get`` with no topics for an unknown text."""
    return lambda text: table.get(text, ())
