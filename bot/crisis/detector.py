"""Surge detection, incrementally: feed customer messages in time order, get alerts.

The detector never reads a clock. Each message carries its time, and :meth:`advance`
tells it the time when no message comes; a window closes when a later time arrives. An
alert fires as soon as the open window's count crosses its bar, not when the window
closes: a count only grows, so the first crossing is the one the closed window would
show, a quarter of an hour earlier.

A topic's bar in a window is the larger of ``min_count`` and the count whose robust
z-score (:class:`~bot.crisis.baseline.Baseline`) reaches ``z``. Separately, the angry
messages in the window are compared with the topic's usual angry share. After an alert
the topic stays quiet for the cooldown. No alert fires before ``baseline_weeks`` of
history exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.crisis.alerts import Reason, SurgeAlert
from bot.crisis.baseline import Baseline
from bot.crisis.history import CountHistory
from bot.crisis.rules import SurgeRules
from bot.crisis.state import SurgeState
from bot.crisis.tally import Counted, Tally
from bot.crisis.topics import Topic
from bot.crisis.windows import WindowCount, baseline_windows, require_aware, window_start

RECENT_WINDOWS = 4
"""Earlier windows' counts an alert shows, for the trend."""


@dataclass(frozen=True)
class CustomerMessage:
    """One incoming customer message, as the detector sees it.

    Attributes:
        at: When it arrived (timezone-aware).
        text: What the customer wrote (kept only redacted, as evidence).
        topics: The topics it belongs to (the caller assigns them).
        channel: The channel it came in on (``telegram``, ``slack``, ``web``...).
        language: Its language, where known.
        angry: Whether the anger signal called it angry.
        names: The customer's names as the platform gave them, for redaction.
    """

    at: datetime
    text: str
    topics: tuple[Topic, ...]
    channel: str = ""
    language: str = ""
    angry: bool = False
    names: tuple[str, ...] = ()


class SurgeDetector:
    """Counts messages per topic and window, and raises alerts with their evidence.

    Args:
        rules: The thresholds.
        state: Where to carry on from: a new :class:`SurgeState` with the time counting
            begins, or one saved by :meth:`state` before a restart.
    """

    def __init__(self, *, rules: SurgeRules, state: SurgeState) -> None:
        self.rules = rules
        self._since = state.since
        self._last_alerts: dict[Topic, datetime] = dict(state.last_alerts)
        self._history = CountHistory()
        self._open: dict[Topic, Tally] = {}
        self._open_start = window_start(state.since, rules)
        latest = max((c.start for c in state.counts), default=self._open_start)
        self._open_start = max(self._open_start, latest)
        self._open_end = self._open_start + rules.window
        self._windows = baseline_windows(self._open_start, rules)
        self._oldest = min(self._windows)
        self._pruned_until = self._open_start
        for record in state.counts:
            if record.start != self._open_start:
                self._history.add(record)
        for record in state.counts:
            if record.start == self._open_start:
                tally = self._tally(record.topic)
                tally.messages += record.messages
                tally.angry += record.angry

    @property
    def armed(self) -> bool:
        """Whether the open window has a full baseline, so it may alert."""
        return self._since <= self._oldest

    def observe(self, message: CustomerMessage) -> list[SurgeAlert]:
        """Count ``message`` and return the alerts it raises (usually none).

        A message older than the open window is added to its own window's count (a
        future baseline reads it) but raises nothing.
        """
        require_aware(message.at)
        self.advance(message.at)
        if message.at < self._open_start:
            start = window_start(message.at, self.rules)
            for topic in message.topics:
                self._history.add(WindowCount(topic, start, 1, int(message.angry)))
            return []
        alerts = []
        for topic in message.topics:
            tally = self._tally(topic)
            tally.add(
                message.text,
                angry=message.angry,
                channel=message.channel,
                language=message.language,
                names=message.names,
                keep=self.rules.examples,
            )
            alert = self._check(topic, tally, message.at)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def observe_counted(self, topic: Topic, counted: Counted, *, at: datetime) -> SurgeAlert | None:
        """Count messages about ``topic`` that a store counted, as one batch at ``at``.

        The running system's way in (:class:`~bot.crisis.monitor.SurgeMonitor`): every
        replica's messages are counted in the database, and the monitor adds what is new
        since its last look. Like :meth:`observe`, a batch older than the open window goes
        to its window's count and raises nothing.
        """
        require_aware(at)
        self.advance(at)
        if at < self._open_start:
            start = window_start(at, self.rules)
            self._history.add(WindowCount(topic, start, counted.messages, counted.angry))
            return None
        tally = self._tally(topic)
        tally.merge(counted, keep=self.rules.examples)
        return self._check(topic, tally, at)

    def advance(self, now: datetime) -> None:
        """Tell the detector the time: windows that ended by ``now`` close."""
        require_aware(now)
        if now < self._open_end:
            return
        for topic, tally in self._open.items():
            self._history.add(WindowCount(topic, self._open_start, tally.messages, tally.angry))
        self._open = {}
        self._open_start = window_start(now, self.rules)
        self._open_end = self._open_start + self.rules.window
        self._windows = baseline_windows(self._open_start, self.rules)
        self._oldest = min(self._windows)
        if self._open_start - self._pruned_until >= timedelta(days=1):
            self._history.forget_before(self._oldest - timedelta(days=1))
            self._pruned_until = self._open_start
            for topic in [t for t, at in self._last_alerts.items() if not self._cooling(t, now)]:
                del self._last_alerts[topic]

    def state(self) -> SurgeState:
        """What a restart needs: the counts (open window included) and the last alerts."""
        open_counts = [
            WindowCount(topic, self._open_start, tally.messages, tally.angry)
            for topic, tally in sorted(self._open.items())
        ]
        return SurgeState(
            since=self._since,
            counts=(*self._history.records(), *open_counts),
            last_alerts=dict(self._last_alerts),
        )

    def _tally(self, topic: Topic) -> Tally:
        tally = self._open.get(topic)
        if tally is None:
            baseline = Baseline.of(self._history.messages(topic, self._windows))
            needed = baseline.needed(z=self.rules.z, min_count=self.rules.min_count)
            tally = self._open[topic] = Tally(baseline=baseline, needed=needed)
        return tally

    def _cooling(self, topic: Topic, now: datetime) -> bool:
        last = self._last_alerts.get(topic)
        return last is not None and now - last < self.rules.cooldown

    def _check(self, topic: Topic, tally: Tally, at: datetime) -> SurgeAlert | None:
        rules = self.rules
        loud = tally.messages >= tally.needed
        if not (loud or tally.angry >= rules.min_angry) or not self.armed:
            return None
        if self._cooling(topic, at):
            return None
        if tally.anger is None:
            tally.anger = self._history.anger(topic, since=self._oldest, until=self._open_start)
        anger_z = tally.anger.z(angry=tally.angry, messages=tally.messages)
        reasons: list[Reason] = ["volume"] if loud else []
        if tally.angry >= rules.min_angry and anger_z >= rules.anger_z:
            reasons.append("anger")
        if not reasons:
            return None
        self._last_alerts[topic] = at
        earlier = [self._open_start - k * rules.window for k in range(RECENT_WINDOWS, 0, -1)]
        return SurgeAlert(
            topic=topic,
            reasons=tuple(reasons),
            at=at,
            window_start=self._open_start,
            count=tally.messages,
            baseline=tally.baseline,
            z=tally.baseline.z(tally.messages),
            angry=tally.angry,
            anger=tally.anger,
            anger_z=anger_z,
            recent=self._history.recent(topic, earlier),
            examples=tuple(tally.examples),
            channels=dict(tally.channels),
            languages=dict(tally.languages),
        )
