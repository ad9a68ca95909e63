"""The surge monitor in the Rasa server: alerts from every replica's counts, told once.

The action servers count each customer message in the database
(:class:`~bot.store.surge_counts.SurgeCounts`). The handoff hub calls
:meth:`SurgeMonitor.tick` on its clock in every Rasa replica; at most once a minute the
monitor adds the open window's new counts to its detector. At each new window it builds
the detector again from the stored counts, so what other replicas counted, and the
alerts they raised (for the cooldown), are always in. Before that it gives the window
that just closed a last look: its last minute may still cross the bar.

Every replica computes the same alert from the same counts. :meth:`Incidents.record_alert`
keeps one per topic and window, and only the replica whose record it is tells the
agents: the Slack agent channel and the webhook (``incident.suspected``), through each
:class:`AlertSink`. The inbox reads the recorded alerts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from bot.crisis.alerts import AlertPayload, SurgeAlert
from bot.crisis.config import load_crisis
from bot.crisis.detector import SurgeDetector
from bot.crisis.topics import Topic
from bot.crisis.windows import window_start
from bot.settings import Settings
from bot.store.incidents import Incidents
from bot.store.surge_counts import SurgeCounts, WindowTally

log = logging.getLogger(__name__)

RECENT_ALERTS = 500
"""Alerts read back at each new window, for the cooldown (far more than one cooldown has)."""


@runtime_checkable
class AlertSink(Protocol):
    """A surface agents watch that can show a surge alert (Slack, the webhook)."""

    async def incident_suspected(self, alert: AlertPayload) -> object:
        """Show ``alert``; failures are the sink's to log, never raised."""
        ...


class SurgeMonitor:
    """Raises surge alerts from the stored counts and tells the agents once.

    Args:
        counts: The stored counts (their rules are the detector's).
        incidents: Where alerts are recorded, once per topic and window.
        sinks: The surfaces to tell of a new alert.
        clock: The time now (UTC).
        every: Least time between two looks at the counts.
        keep: Counts older than this are deleted (once a day; a baseline reads
            ``baseline_weeks`` weeks back).
    """

    def __init__(
        self,
        *,
        counts: SurgeCounts,
        incidents: Incidents,
        sinks: Sequence[AlertSink] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        every: timedelta = timedelta(minutes=1),
        keep: timedelta | None = None,
    ) -> None:
        self.counts = counts
        self.rules = counts.rules
        self.incidents = incidents
        self.sinks = tuple(sinks)
        self.clock = clock
        self.every = every
        self.keep = keep or timedelta(weeks=self.rules.baseline_weeks + 1)
        self._looked: datetime | None = None
        self._pruned: datetime | None = None
        self._detector: SurgeDetector | None = None
        self._window: datetime | None = None
        self._seen: dict[Topic, WindowTally] = {}

    @classmethod
    def from_settings(
        cls, settings: Settings, *, incidents: Incidents, sinks: Sequence[AlertSink] = ()
    ) -> SurgeMonitor:
        """The monitor of the running server: the rules of ``crisis.yml``, the counts on
        Frontline's database.

        Raises:
            ConfigError: ``crisis.yml`` is invalid (named with its entry and field).
        """
        from bot.channels.wiring import database_sessions

        rules = load_crisis(settings.crisis_file).rules
        counts = SurgeCounts(sessions=database_sessions(settings), rules=rules)
        return cls(counts=counts, incidents=incidents, sinks=sinks)

    async def tick(self) -> list[AlertPayload]:
        """Look at the counts if a minute has passed; the alerts this replica told."""
        now = self.clock()
        if self._looked is not None and now - self._looked < self.every:
            return []
        self._looked = now
        told = await asyncio.to_thread(self._record, now)
        for payload in told:
            log.warning(
                "surge on %s: %d messages in the window, usually %s (z %.1f)",
                payload["topic"],
                payload["count"],
                payload["baseline_median"],
                payload["z"],
            )
            for sink in self.sinks:
                try:
                    await sink.incident_suspected(payload)
                except Exception:  # one surface failing must not keep the others uninformed
                    log.exception("surge: %s could not show the alert", type(sink).__name__)
        return told

    def scan(self, now: datetime) -> list[SurgeAlert]:
        """The alerts the counts raise by ``now`` (recorded or not)."""
        start = window_start(now, self.rules)
        alerts: list[SurgeAlert] = []
        if self._detector is not None and self._window is not None and start != self._window:
            closing = self._window + self.rules.window - timedelta(microseconds=1)
            alerts += self._news(min(closing, now))
        if self._detector is None or start != self._window:
            self._rebuild(start, now)
        alerts += self._news(now)
        return alerts

    def _record(self, now: datetime) -> list[AlertPayload]:
        told = []
        for alert in self.scan(now):
            payload = alert.payload()
            if self.incidents.record_alert(payload, at=alert.at):
                told.append(payload)
        return told

    def _news(self, at: datetime) -> list[SurgeAlert]:
        """Adds what the open window's counts have that the detector has not seen yet."""
        assert self._detector is not None and self._window is not None
        alerts = []
        for tally in self.counts.window(self._window):
            counted = tally.since(self._seen.get(tally.topic))
            self._seen[tally.topic] = tally
            if counted.messages <= 0:
                continue
            alert = self._detector.observe_counted(tally.topic, counted, at=at)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def _rebuild(self, start: datetime, now: datetime) -> None:
        if self._pruned is None or now - self._pruned >= timedelta(days=1):
            self.counts.forget_before(start - self.keep)
            self._pruned = now
        state = self.counts.state(until=start, last_alerts=self._last_alerts(now))
        self._detector = SurgeDetector(rules=self.rules, state=state)
        self._detector.advance(now)
        self._window, self._seen = start, {}

    def _last_alerts(self, now: datetime) -> dict[Topic, datetime]:
        """Each topic's last recorded alert inside the cooldown, whichever replica raised it."""
        last: dict[Topic, datetime] = {}
        for entry in self.incidents.alerts(limit=RECENT_ALERTS):
            if now - entry.at >= self.rules.cooldown:
                continue
            try:
                topic = Topic.parse(str(entry.detail.get("topic", "")))
            except ValueError:
                continue
            if topic not in last or entry.at > last[topic]:
                last[topic] = entry.at
        return last
