"""The surge monitor (bot/crisis/monitor.py) at fixed times, on SQLite and PostgreSQL: four
weeks of stored counts and a surge lead to exactly one alert though two replicas watch,
told to Slack (a recording relay) and to the helpdesk as a signed ``incident.suspected``;
the cooldown holds across replicas and restarts; a window's last minute is not missed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import timedelta, timezone

import pytest

from bot.crisis.alerts import AlertPayload
from bot.crisis.monitor import AlertSink, SurgeMonitor
from bot.handoff.webhook import WebhookRelay, verify
from bot.store.db import session_factory
from bot.store.surge_counts import SurgeCounts
from tests.auxil.fake_helpdesk import SECRET, FakeHelpdesk
from tests.auxil.incidents import T0, Replica, Replicas
from tests.auxil.surge_store import seed
from tests.auxil.surges import OUTAGE, RULES, history

UTC_T0 = T0.astimezone(timezone.utc)  # Monday 09:00 UTC, 10:00 in Berlin
OUTAGE_KEY = OUTAGE.key


@dataclass
class RecordingSlack:
    """Stands in for the Slack agent relay: the alerts it was asked to post."""

    alerts: list[AlertPayload] = field(default_factory=list)

    async def incident_suspected(self, alert: AlertPayload) -> None:
        self.alerts.append(alert)


class BrokenSink:
    """A surface that is down."""

    async def incident_suspected(self, alert: AlertPayload) -> None:
        raise ConnectionError("slack is down")


def counts_of(replica: Replica) -> SurgeCounts:
    return SurgeCounts(sessions=session_factory(replica.engine), rules=RULES)


def monitor_of(replica: Replica, *sinks: AlertSink) -> SurgeMonitor:
    return SurgeMonitor(
        counts=counts_of(replica), incidents=replica.incidents, sinks=sinks, clock=replica.clock
    )


def started(replicas: Replicas, count: int = 2) -> list[Replica]:
    """``count`` replicas on a database holding four weeks and a day of two outage
    messages a window before T0 (so the bar of a window is 10 messages)."""
    group = [replicas.start() for _ in range(count)]
    seed(session_factory(group[0].engine), history(OUTAGE, until=T0, count=lambda _: 2))
    return group


def customers_write(
    replicas: list[Replica], count: int, *, since_minutes: float, every_seconds: float = 20
) -> None:
    """``count`` outage messages, counted by each replica's action server in turn."""
    for number in range(count):
        replica = replicas[number % len(replicas)]
        counts_of(replica).record(
            [OUTAGE_KEY],
            at=T0 + timedelta(minutes=since_minutes, seconds=number * every_seconds),
            angry=number % 3 == 0,
            channel=("web", "telegram")[number % 2],
            text=f"The app is down again ({number}), order 4711{number:04d} stuck",
            language="en",
        )


async def tick_together(monitors: list[SurgeMonitor]) -> list[AlertPayload]:
    """Every replica's monitor ticks at the same moment; what they told, together."""
    told = await asyncio.gather(*(monitor.tick() for monitor in monitors))
    return [alert for alerts in told for alert in alerts]


def test_a_surge_is_told_once_to_slack_and_the_webhook_though_two_replicas_watch(
    replicas: Replicas,
) -> None:
    group = started(replicas)
    slack = RecordingSlack()
    helpdesk = FakeHelpdesk().start()

    async def scenario() -> tuple[list[AlertPayload], list[AlertPayload]]:
        webhook = WebhookRelay(url=helpdesk.url, secret=SECRET)
        monitors = [monitor_of(replica, slack, webhook) for replica in group]
        customers_write(group, 3, since_minutes=0)
        replicas.clock.advance(2)
        quiet = await tick_together(monitors)
        customers_write(group, 9, since_minutes=2)
        replicas.clock.advance(4)
        told = await tick_together(monitors)
        await webhook.aclose()
        return quiet, told

    try:
        quiet, told = asyncio.run(scenario())
        posts = helpdesk.calls_to("frontline")
    finally:
        helpdesk.stop()

    assert quiet == []
    assert len(told) == 1 and slack.alerts == told
    alert = told[0]
    assert alert["topic"] == OUTAGE_KEY and alert["reasons"] == ["volume"]
    assert alert["window_start"] == UTC_T0.isoformat()
    assert (alert["count"], alert["baseline_median"], alert["recent_counts"]) == (12, 2, [2] * 4)
    assert alert["z"] == pytest.approx((12 - 2) / 2**0.5, abs=0.01)
    assert alert["channels"] == {"web": 7, "telegram": 5} and alert["languages"] == {"en": 12}
    assert alert["examples"] == [
        f"The app is down again ({n}), order <number> stuck" for n in range(RULES.examples)
    ]
    recorded = group[1].incidents.alerts()
    assert [(entry.what, entry.who, entry.detail["topic"]) for entry in recorded] == [
        ("alert", "detector", OUTAGE_KEY)
    ]

    assert len(posts) == 1
    body = posts[0].body
    assert verify(SECRET, posts[0].headers, body, now=time.time())
    assert posts[0].headers["X-Frontline-Event"] == "incident.suspected"
    assert posts[0].params["event"] == "incident.suspected"
    assert posts[0].params["alert"] == alert


def test_the_cooldown_holds_across_replicas_and_restarts(replicas: Replicas) -> None:
    first, second = started(replicas)
    slack = RecordingSlack()

    async def scenario() -> list[list[AlertPayload]]:
        told = []
        customers_write([first], 12, since_minutes=0)
        replicas.clock.advance(5)
        told.append(await monitor_of(first, slack).tick())
        # A replica started later, in the next window, while the outage goes on.
        customers_write([first, second], 20, since_minutes=15, every_seconds=10)
        replicas.clock.advance(15)
        told.append(await monitor_of(second, slack).tick())
        # Two hours after the alert, a new surge.
        customers_write([second], 12, since_minutes=135)
        replicas.clock.advance(120)
        told.append(await monitor_of(second, slack).tick())
        return told

    told = asyncio.run(scenario())

    assert [len(alerts) for alerts in told] == [1, 0, 1]
    assert [a["window_start"] for a in slack.alerts] == [
        UTC_T0.isoformat(),
        (UTC_T0 + timedelta(minutes=135)).isoformat(),
    ]
    assert len(first.incidents.alerts()) == 2


def test_a_surge_in_a_windows_last_minute_is_caught_when_the_next_begins(
    replicas: Replicas,
) -> None:
    (replica,) = started(replicas, count=1)
    slack = RecordingSlack()
    monitor = monitor_of(replica, slack)

    async def scenario() -> list[list[AlertPayload]]:
        customers_write([replica], 5, since_minutes=0)
        replicas.clock.advance(14)
        before = await monitor.tick()
        customers_write([replica], 7, since_minutes=14, every_seconds=5)
        replicas.clock.advance(1.5)
        return [before, await monitor.tick()]

    before, after = asyncio.run(scenario())

    assert before == []
    assert [a["window_start"] for a in after] == [UTC_T0.isoformat()]
    assert after[0]["count"] == 12


def test_the_counts_are_read_at_most_once_a_minute(replicas: Replicas) -> None:
    (replica,) = started(replicas, count=1)
    monitor = monitor_of(replica)

    async def scenario() -> list[int]:
        looked = [len(await monitor.tick())]
        customers_write([replica], 12, since_minutes=0, every_seconds=1)
        replicas.clock.advance(0.5)
        looked.append(len(await monitor.tick()))
        replicas.clock.advance(0.5)
        looked.append(len(await monitor.tick()))
        return looked

    assert asyncio.run(scenario()) == [0, 0, 1]


def test_a_surface_that_fails_does_not_keep_the_others_uninformed(
    replicas: Replicas, caplog: pytest.LogCaptureFixture
) -> None:
    (replica,) = started(replicas, count=1)
    slack = RecordingSlack()
    monitor = monitor_of(replica, BrokenSink(), slack)
    customers_write([replica], 12, since_minutes=0)
    replicas.clock.advance(5)

    told = asyncio.run(monitor.tick())

    assert len(told) == 1 and slack.alerts == told
    assert "BrokenSink could not show the alert" in caplog.text


def test_no_alert_before_four_weeks_of_counts(replicas: Replicas) -> None:
    replica = replicas.start()
    seed(
        session_factory(replica.engine),
        history(OUTAGE, until=T0, count=lambda _: 2, weeks=2),
    )
    customers_write([replica], 30, since_minutes=0, every_seconds=5)
    replicas.clock.advance(5)

    assert asyncio.run(monitor_of(replica).tick()) == []
