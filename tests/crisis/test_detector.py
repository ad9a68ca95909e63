"""The surge detector at fixed times: the bar, the minimum count, history, cooldown, anger,
evidence and a restart."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.crisis.detector import SurgeDetector
from bot.crisis.state import SurgeState
from tests.auxil.surges import (
    MONDAY_10,
    OUTAGE,
    REFUNDS,
    RULES,
    burst,
    detector_with,
    history,
    message,
)

TWO_A_WINDOW = history(REFUNDS, until=MONDAY_10, count=lambda _: 2)


def test_an_alert_fires_when_the_count_crosses_its_bar_not_when_the_window_closes() -> None:
    # Baseline 2 with no spread: Poisson floor sqrt(2), bar ceil(2 + 5 * 1.414) = 10.
    detector = detector_with(TWO_A_WINDOW)
    fired = burst(detector, MONDAY_10 + timedelta(minutes=1), 12)
    assert [number for number, _ in fired] == [10]
    alert = fired[0][1]
    assert alert.reasons == ("volume",)
    assert alert.at == MONDAY_10 + timedelta(minutes=1, seconds=9 * 30)
    assert alert.window_start == MONDAY_10.astimezone(timezone.utc)
    assert alert.count == 10
    assert alert.baseline.median == 2 and alert.baseline.mad == 0
    assert alert.baseline.samples == (2,) * 16
    assert alert.z == pytest.approx((10 - 2) / 2**0.5)
    assert alert.recent == (2, 2, 2, 2)


def test_nine_messages_against_a_bar_of_ten_stay_quiet() -> None:
    detector = detector_with(TWO_A_WINDOW)
    assert burst(detector, MONDAY_10, 9) == []


def test_the_bar_is_the_same_hour_of_the_week_so_a_busy_monday_morning_is_normal() -> None:
    # Monday 10-11 always has 20 a window; every other hour 2.
    records = history(
        REFUNDS, until=MONDAY_10, count=lambda at: 20 if (at.weekday(), at.hour) == (0, 10) else 2
    )
    detector = detector_with(records)
    assert burst(detector, MONDAY_10, 25, every=timedelta(seconds=20)) == []
    afternoon = MONDAY_10 + timedelta(hours=4)
    assert [n for n, _ in burst(detector, afternoon, 12)] == [10]


def test_a_spread_in_the_history_raises_the_bar() -> None:
    # Counts 0, 4, 0, 4...: median 2, MAD 2, spread 1.4826 * 2 = 2.97: bar ceil(2 + 14.8) = 17.
    records = history(REFUNDS, until=MONDAY_10, count=lambda at: 4 * (at.minute // 15 % 2))
    detector = detector_with(records)
    fired = burst(detector, MONDAY_10, 20, every=timedelta(seconds=20))
    assert [number for number, _ in fired] == [17]
    assert fired[0][1].baseline.mad == 2


def test_a_quiet_topic_needs_the_minimum_count() -> None:
    detector = detector_with(history(OUTAGE, until=MONDAY_10, count=lambda _: 0))
    fired = burst(detector, MONDAY_10, 9, topic=OUTAGE, text="the site is down")
    assert [number for number, _ in fired] == [8]
    higher = detector_with(
        history(OUTAGE, until=MONDAY_10, count=lambda _: 0), rules=replace(RULES, min_count=12)
    )
    assert burst(higher, MONDAY_10, 11, topic=OUTAGE, text="the site is down") == []


def test_no_alert_before_four_weeks_of_history() -> None:
    short = [r for r in TWO_A_WINDOW if r.start >= MONDAY_10 - timedelta(weeks=3)]
    detector = detector_with(short)
    assert not detector.armed
    assert burst(detector, MONDAY_10, 30) == []


def test_the_topic_stays_quiet_for_the_cooldown_then_may_alert_again() -> None:
    detector = detector_with(TWO_A_WINDOW)
    assert len(burst(detector, MONDAY_10, 12)) == 1
    one_hour_later = MONDAY_10 + timedelta(hours=1)
    assert burst(detector, one_hour_later, 15) == []
    other = burst(detector, one_hour_later, 9, topic=OUTAGE, text="site down")
    assert [alert.topic for _, alert in other] == [OUTAGE]  # the cooldown is per topic
    after = MONDAY_10 + timedelta(hours=2, minutes=1)
    assert [n for n, _ in burst(detector, after, 12)] == [10]


def test_a_larger_share_of_angry_messages_alerts_even_without_more_messages() -> None:
    # 2 a window, 1 in 20 of them angry in the history.
    records = history(
        REFUNDS,
        until=MONDAY_10,
        count=lambda _: 2,
        angry=lambda at: 1 if at.hour % 5 == 0 and at.minute == 0 else 0,
    )
    detector = detector_with(records)
    assert burst(detector, MONDAY_10, 5, angry=True) == []  # fewer than min_angry
    fired = burst(detector, MONDAY_10 + timedelta(minutes=5), 3, angry=True)
    assert [n for n, _ in fired] == [1]  # the sixth angry message of the window
    alert = fired[0][1]
    assert alert.reasons == ("anger",)
    assert alert.angry == 6 and alert.count == 6
    assert alert.anger_share == 1.0
    assert alert.anger.share == pytest.approx(0.05, abs=0.01)
    assert alert.anger_z >= RULES.anger_z


def test_angry_messages_at_the_usual_share_raise_nothing() -> None:
    records = history(REFUNDS, until=MONDAY_10, count=lambda _: 10, angry=lambda _: 5)
    detector = detector_with(records)
    fired = burst(detector, MONDAY_10, 8, angry=True)
    fired += burst(detector, MONDAY_10 + timedelta(minutes=5), 8)
    assert fired == []


def test_the_evidence_is_redacted_and_names_the_channels() -> None:
    detector = detector_with(TWO_A_WINDOW)
    texts = [
        "Refund for order 12345678 missing, mail me at jo@example.com",
        "Jo Berg here, call +49 170 1234567 about my refund",
        "where is my refund?",
    ]
    fired = []
    for number in range(10):
        at = MONDAY_10 + timedelta(seconds=20 * number)
        text = texts[number % 3]
        channel = ("telegram", "slack", "web")[number % 3]
        fired += detector.observe(message(at, text, channel=channel, names=("Jo Berg",)))
    (alert,) = fired
    assert alert.examples == (
        "Refund for order <number> missing, mail me at <email>",
        "<name> here, call <phone> about my refund",
        "where is my refund?",
    )
    assert alert.channels == {"telegram": 4, "slack": 3, "web": 3}
    payload = alert.payload()
    assert payload["topic"] == "faq:refund-status"
    assert payload["channels"] == {"telegram": 4, "slack": 3, "web": 3}
    assert "12345678" not in json.dumps(payload)


def test_a_restart_rebuilds_the_same_detector_from_stored_counts() -> None:
    first = detector_with(TWO_A_WINDOW)
    burst(first, MONDAY_10, 6)
    stored = json.loads(json.dumps(first.state().payload()))
    second = SurgeDetector(rules=RULES, state=SurgeState.from_payload(stored))
    # The open window's six messages survived: the tenth message of the window alerts.
    resumed = burst(first, MONDAY_10 + timedelta(minutes=4), 4)
    rebuilt = burst(second, MONDAY_10 + timedelta(minutes=4), 4)
    assert [(n, a.count) for n, a in resumed] == [(n, a.count) for n, a in rebuilt] == [(4, 10)]
    assert rebuilt[0][1].baseline == resumed[0][1].baseline
    # ...and so did the cooldown.
    again = SurgeDetector(rules=RULES, state=SurgeState.from_payload(second.state().payload()))
    assert burst(again, MONDAY_10 + timedelta(minutes=30), 15) == []


def test_a_late_message_counts_for_its_own_window_and_raises_nothing() -> None:
    detector = detector_with(TWO_A_WINDOW)
    detector.observe(message(MONDAY_10 + timedelta(minutes=20)))
    assert detector.observe(message(MONDAY_10 + timedelta(minutes=1))) == []
    counts = {r.start: r.messages for r in detector.state().counts if r.topic == REFUNDS}
    assert counts[MONDAY_10.astimezone(timezone.utc)] == 1
    assert counts[(MONDAY_10 + timedelta(minutes=15)).astimezone(timezone.utc)] == 1


def test_a_time_without_a_timezone_is_refused() -> None:
    detector = detector_with(TWO_A_WINDOW)
    with pytest.raises(ValueError, match="without a timezone"):
        detector.observe(message(datetime(2026, 3, 2, 10, 0)))
