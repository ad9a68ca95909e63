"""Counting windows follow the local clock, across daylight saving too."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.crisis.rules import SurgeRules
from bot.crisis.windows import baseline_windows, hour_of_week, window_start
from tests.auxil.surges import BERLIN

BERLIN_RULES = SurgeRules(timezone="Europe/Berlin")


def test_a_moment_falls_in_its_local_quarter_hour() -> None:
    at = datetime(2026, 3, 2, 10, 29, 59, tzinfo=BERLIN)
    assert window_start(at, BERLIN_RULES) == datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)
    half_hours = SurgeRules(timezone="Asia/Kolkata", window_minutes=60)
    india = datetime(2026, 3, 2, 10, 10, tzinfo=timezone.utc)  # 15:40 in Kolkata
    assert window_start(india, half_hours) == datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def test_the_baseline_is_the_same_local_hour_in_each_past_week_across_daylight_saving() -> None:
    # Summer time began on 29 March 2026: 10:00 in Berlin was 09:00 UTC before, 08:00 after.
    start = window_start(datetime(2026, 4, 6, 10, 30, tzinfo=BERLIN), BERLIN_RULES)
    windows = baseline_windows(start, BERLIN_RULES)
    assert len(windows) == 16
    local = [w.astimezone(BERLIN) for w in windows]
    assert {(w.weekday(), w.hour) for w in local} == {(0, 10)}
    assert [w.minute for w in local[:4]] == [0, 15, 30, 45]
    assert [w.date().isoformat() for w in local[::4]] == [
        "2026-03-30",
        "2026-03-23",
        "2026-03-16",
        "2026-03-09",
    ]
    assert {w.hour for w in windows[:4]} == {8}  # UTC, summer
    assert {w.hour for w in windows[4:]} == {9}  # UTC, winter


def test_hours_of_the_week_count_from_monday_midnight_local() -> None:
    assert hour_of_week(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), BERLIN_RULES) == 0
    assert hour_of_week(datetime(2026, 3, 8, 22, 59, tzinfo=timezone.utc), BERLIN_RULES) == 167
