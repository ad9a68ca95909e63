"""Restart delays double from 1 s to 30 s, start over after a healthy run, never stop."""

from __future__ import annotations

from bot.supervise.restarts import RestartPolicy


def test_quick_stops_double_the_delay_up_to_the_cap() -> None:
    tracker = RestartPolicy(max_stops_per_minute=100).tracker()
    delays = [tracker.after_stop(ran_for=0.5, at=10.0 * i).delay for i in range(8)]

    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_healthy_run_starts_the_delay_over() -> None:
    tracker = RestartPolicy().tracker()
    for i in range(4):
        tracker.after_stop(ran_for=1.0, at=100.0 * i)

    assert tracker.after_stop(ran_for=60.0, at=500.0).delay == 1
    assert tracker.after_stop(ran_for=59.0, at=600.0).delay == 2


def test_more_stops_a_minute_than_allowed_raise_the_alarm_at_the_capped_delay() -> None:
    tracker = RestartPolicy(max_stops_per_minute=3).tracker()
    restarts = [tracker.after_stop(ran_for=0.1, at=float(i)) for i in range(5)]

    assert [r.alarm for r in restarts] == [False, False, False, True, True]
    assert [r.stops_last_minute for r in restarts] == [1, 2, 3, 4, 5]
    assert restarts[3].delay == 30


def test_stops_older_than_a_minute_no_longer_count() -> None:
    tracker = RestartPolicy(max_stops_per_minute=2).tracker()
    tracker.after_stop(ran_for=0.1, at=0.0)
    tracker.after_stop(ran_for=0.1, at=30.0)

    later = tracker.after_stop(ran_for=0.1, at=61.0)

    assert later.stops_last_minute == 2
    assert not later.alarm
