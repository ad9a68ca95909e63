"""The calendar's answers, with every moment passed in (no clock)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from bot.hours.calendar import BusinessHours
from bot.hours.config import load_hours, parse_hours
from bot.settings import PROJECT_ROOT

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OFFICE = {day: ["09:00-18:00"] for day in DAYS[:5]} | {"saturday": ["10:00-14:00"]}


def calendar(weekly: dict[str, list[str]] | None = None, **fields: Any) -> BusinessHours:
    """A Berlin calendar: the office week unless ``weekly`` is given (unlisted days: closed)."""
    week = {day: [] for day in DAYS} | (OFFICE if weekly is None else weekly)
    data = {"timezone": "Europe/Berlin", "response_time_minutes": 60, "weekly": week, **fields}
    return parse_hours(data)


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def instant(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC: around the repeated hour, PEP 495 makes ``==`` across zones unusable."""
    return moment.astimezone(UTC) if moment else None


def test_a_span_past_midnight_belongs_to_the_day_it_starts() -> None:
    hours = calendar({"friday": ["22:00-02:00"]})
    assert not hours.is_open(berlin(2026, 6, 12, 21, 59))
    assert hours.is_open(berlin(2026, 6, 12, 22, 0))
    assert hours.is_open(berlin(2026, 6, 13, 1, 30))  # Saturday
    assert not hours.is_open(berlin(2026, 6, 13, 2, 0))
    assert not hours.is_open(berlin(2026, 6, 11, 1, 30))  # Thursday night is not Friday's
    assert hours.next_opening(berlin(2026, 6, 12, 12, 0)) == berlin(2026, 6, 12, 22, 0)
    assert hours.next_closing(berlin(2026, 6, 12, 23, 0)) == berlin(2026, 6, 13, 2, 0)
    assert hours.next_opening(berlin(2026, 6, 13, 2, 0)) == berlin(2026, 6, 19, 22, 0)


def test_a_holiday_removes_the_spans_that_start_on_it_and_only_those() -> None:
    friday_off = calendar({"friday": ["22:00-02:00"]}, holidays={"dates": ["2026-06-12"]})
    assert not friday_off.is_open(berlin(2026, 6, 12, 23, 0))
    assert not friday_off.is_open(berlin(2026, 6, 13, 1, 30))
    saturday_off = calendar({"friday": ["22:00-02:00"]}, holidays={"dates": ["2026-06-13"]})
    assert saturday_off.is_open(berlin(2026, 6, 13, 1, 30))
    closed_saturday = calendar(
        {"friday": ["22:00-02:00"]}, closures=[{"from": "2026-06-13", "to": "2026-06-13"}]
    )
    assert closed_saturday.is_open(berlin(2026, 6, 13, 1, 30))
    assert closed_saturday.current_closure(berlin(2026, 6, 13, 1, 30)) is None  # still open
    assert closed_saturday.current_closure(berlin(2026, 6, 13, 2, 0)) is not None


def test_split_shifts_close_for_lunch() -> None:
    hours = calendar({"monday": ["08:00-12:00", "13:00-17:00"]})
    assert hours.is_open(berlin(2026, 6, 15, 11, 59))
    assert not hours.is_open(berlin(2026, 6, 15, 12, 0))
    assert not hours.is_open(berlin(2026, 6, 15, 12, 30))
    assert hours.next_opening(berlin(2026, 6, 15, 12, 30)) == berlin(2026, 6, 15, 13, 0)
    assert hours.next_closing(berlin(2026, 6, 15, 10, 0)) == berlin(2026, 6, 15, 12, 0)
    assert hours.next_closing(berlin(2026, 6, 15, 12, 30)) is None
    now = utc(2026, 6, 15, 8, 0)  # 10:00 in Berlin, open: the next opening is now
    opening = hours.next_opening(now)
    assert opening == now and opening is not None and opening.tzinfo == BERLIN
    assert hours.is_open(berlin(2026, 6, 15, 13, 0))
    assert not hours.is_open(berlin(2026, 6, 15, 17, 0))


def test_spans_that_meet_make_one_open_period() -> None:
    hours = calendar({"friday": ["18:00-24:00"], "saturday": ["00:00-24:00"]})
    assert hours.next_closing(berlin(2026, 6, 12, 19, 0)) == berlin(2026, 6, 14, 0, 0)
    assert hours.is_open(berlin(2026, 6, 13, 0, 0))
    always = calendar({day: ["00:00-24:00"] for day in DAYS}, holidays={"dates": ["2026-06-20"]})
    assert always.next_closing(berlin(2026, 6, 15, 3, 0)) == berlin(2026, 6, 20, 0, 0)
    assert always.next_opening(berlin(2026, 6, 20, 12, 0)) == berlin(2026, 6, 21, 0, 0)


def test_the_answers_need_an_aware_datetime() -> None:
    hours = calendar()
    for method in (hours.is_open, hours.next_opening, hours.next_closing, hours.closed_period):
        with pytest.raises(ValueError, match="no timezone"):
            method(datetime(2026, 6, 15, 10, 0))


# Europe/Berlin, 2026: on Sunday 29 March the clock jumps from 02:00 to 03:00 (CET to CEST,
# 01:00 UTC); on Sunday 25 October it goes back from 03:00 to 02:00 (01:00 UTC).


def test_next_opening_across_spring_forward_is_the_right_instant() -> None:
    hours = calendar()
    opening = hours.next_opening(berlin(2026, 3, 28, 15, 0))  # Saturday, after closing
    assert opening == utc(2026, 3, 30, 7, 0)  # Monday 09:00 CEST, not 08:00 UTC
    assert opening is not None and opening.utcoffset() == timedelta(hours=2)
    assert hours.next_opening(utc(2026, 3, 27, 17, 0)) == utc(2026, 3, 28, 9, 0)  # still CET


def test_a_span_across_the_spring_forward_gap_is_an_hour_shorter() -> None:
    hours = calendar({"saturday": ["22:00-04:00"]})
    assert hours.next_opening(utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 28, 21, 0)
    assert hours.is_open(utc(2026, 3, 29, 0, 59))  # 01:59 CET
    assert hours.is_open(utc(2026, 3, 29, 1, 0))  # 03:00 CEST
    assert hours.next_closing(utc(2026, 3, 28, 22, 0)) == utc(2026, 3, 29, 2, 0)  # 04:00 CEST
    assert not hours.is_open(utc(2026, 3, 29, 2, 0))


def test_a_span_in_the_skipped_hour_starts_when_the_clock_jumps() -> None:
    hours = calendar({"sunday": ["02:30-05:00"]})
    opening = hours.next_opening(berlin(2026, 3, 29, 0, 0))
    assert opening == utc(2026, 3, 29, 1, 0)  # 03:00 CEST: 02:30 never shows
    assert opening is not None and (opening.hour, opening.minute) == (3, 0)
    assert not hours.is_open(utc(2026, 3, 29, 0, 59))
    assert hours.is_open(utc(2026, 3, 29, 1, 0))
    skipped = calendar({"sunday": ["02:00-03:00"]})  # the hour that does not exist
    assert not any(skipped.is_open(utc(2026, 3, 29, 0, m)) for m in range(0, 60, 5))
    assert not skipped.is_open(utc(2026, 3, 29, 1, 0))
    assert skipped.next_opening(berlin(2026, 3, 29, 0, 0)) == berlin(2026, 4, 5, 2, 0)
    assert skipped.next_closing(berlin(2026, 3, 22, 2, 30)) == berlin(2026, 3, 22, 3, 0)


def test_next_opening_across_fall_back_is_the_right_instant() -> None:
    hours = calendar()
    opening = hours.next_opening(berlin(2026, 10, 24, 15, 0))  # Saturday, after closing
    assert opening == utc(2026, 10, 26, 8, 0)  # Monday 09:00 CET, not 07:00 UTC
    assert opening is not None and opening.utcoffset() == timedelta(hours=1)


def test_a_span_across_the_repeated_hour_is_an_hour_longer() -> None:
    hours = calendar({"saturday": ["22:00-04:00"]})
    start = instant(hours.next_opening(utc(2026, 10, 24, 12, 0)))
    end = instant(hours.next_closing(utc(2026, 10, 24, 21, 0)))
    assert (start, end) == (utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 3, 0))
    assert hours.is_open(utc(2026, 10, 25, 0, 30))  # 02:30 CEST, the first time
    assert hours.is_open(utc(2026, 10, 25, 1, 30))  # 02:30 CET, the second time


def test_a_span_ending_in_the_repeated_hour_covers_both_times_the_clock_shows_it() -> None:
    hours = calendar({"sunday": ["01:00-02:30"]})
    assert hours.is_open(utc(2026, 10, 25, 0, 15))  # 02:15 CEST
    assert hours.is_open(utc(2026, 10, 25, 1, 15))  # 02:15 CET
    closing = hours.next_closing(utc(2026, 10, 25, 0, 0))
    assert instant(closing) == utc(2026, 10, 25, 1, 30)
    assert closing is not None and (closing.hour, closing.minute, closing.fold) == (2, 30, 1)


def test_a_span_starting_in_the_repeated_hour_starts_the_first_time() -> None:
    hours = calendar({"sunday": ["02:30-06:00"]})
    opening = hours.next_opening(berlin(2026, 10, 25, 0, 0))
    assert instant(opening) == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    assert opening is not None and opening.fold == 0 and opening.utcoffset() == timedelta(hours=2)
    assert hours.is_open(utc(2026, 10, 25, 4, 59))  # 05:59 CET
    assert not hours.is_open(utc(2026, 10, 25, 5, 0))


@pytest.mark.parametrize("customer", ["Pacific/Auckland", "America/Los_Angeles"])
def test_a_customer_far_away_gets_the_answers_of_the_same_instant(customer: str) -> None:
    hours = calendar({**OFFICE, "friday": ["09:00-12:00", "22:00-02:00"]})
    zone = ZoneInfo(customer)
    moment = utc(2026, 6, 11, 0, 0)
    while moment < utc(2026, 6, 19, 0, 0):
        there, here = moment.astimezone(zone), moment.astimezone(BERLIN)
        assert hours.is_open(there) == hours.is_open(here), here
        assert hours.next_opening(there) == hours.next_opening(here), here
        assert hours.next_closing(there) == hours.next_closing(here), here
        assert hours.closed_period(there) == hours.closed_period(here), here
        moment += timedelta(minutes=30)
    # Tuesday 03:00 in Auckland is Monday 17:00 in Berlin: open, closing in an hour.
    auckland = datetime(2026, 6, 16, 3, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert hours.is_open(auckland)
    closing = hours.next_closing(auckland)
    assert closing == berlin(2026, 6, 15, 18, 0)
    assert closing is not None and closing.tzinfo == BERLIN


def test_public_holidays_of_the_configured_country_and_state() -> None:
    hours = calendar(holidays={"country": "DE", "subdivision": "BE"})
    assert hours.is_holiday(date(2026, 12, 25)) == "Christmas Day"
    assert not hours.is_open(berlin(2026, 12, 25, 10, 0))  # a Friday
    assert not hours.is_open(berlin(2026, 12, 26, 11, 0))  # a Saturday
    assert not hours.is_open(berlin(2026, 5, 1, 10, 0))  # Labour Day, a Friday
    # Berlin's own holiday (International Women's Day, a Monday in 2027) ...
    assert not hours.is_open(berlin(2027, 3, 8, 10, 0))
    # ... while Corpus Christi is a holiday in Bavaria, not in Berlin.
    corpus_christi = date(2026, 6, 4)
    assert corpus_christi in holidays.country_holidays("DE", subdiv="BY", years=2026)
    assert hours.is_holiday(corpus_christi) is None
    assert hours.is_open(berlin(2026, 6, 4, 10, 0))
    bavaria = calendar(holidays={"country": "DE", "subdivision": "BY"})
    assert not bavaria.is_open(berlin(2026, 6, 4, 10, 0))
    assert bavaria.is_open(berlin(2027, 3, 8, 10, 0))


def test_explicit_holiday_dates() -> None:
    hours = calendar(holidays={"dates": ["2026-06-16"]})
    assert hours.is_holiday(date(2026, 6, 16)) == "Holiday"
    assert not hours.is_open(berlin(2026, 6, 16, 10, 0))
    assert hours.next_opening(berlin(2026, 6, 15, 19, 0)) == berlin(2026, 6, 17, 9, 0)


def test_a_closure_over_a_weekend() -> None:
    closure = {"from": "2026-07-10", "to": "2026-07-13", "message": {"en": "Stocktaking."}}
    hours = calendar(closures=[closure])
    assert hours.current_closure(berlin(2026, 7, 9, 12, 0)) is None  # open
    assert hours.current_closure(berlin(2026, 7, 9, 19, 0)) is None  # closed, but not by it
    for moment in (berlin(2026, 7, 10, 10), berlin(2026, 7, 11, 11), berlin(2026, 7, 13, 17)):
        assert not hours.is_open(moment)
        found = hours.current_closure(moment)
        assert found is not None and found.message == {"en": "Stocktaking."}
        assert (found.start, found.end) == (date(2026, 7, 10), date(2026, 7, 13))
    assert hours.next_opening(berlin(2026, 7, 9, 19, 0)) == berlin(2026, 7, 14, 9, 0)
    assert hours.current_closure(berlin(2026, 7, 14, 8, 0)) is None


def test_next_opening_across_a_two_week_closure() -> None:
    hours = calendar(closures=[{"from": "2026-08-03", "to": "2026-08-16"}])
    after = berlin(2026, 8, 17, 9, 0)
    assert hours.next_opening(berlin(2026, 8, 1, 14, 0)) == after  # Saturday, closing
    assert hours.next_opening(berlin(2026, 8, 10, 10, 0)) == after
    closure = hours.current_closure(berlin(2026, 8, 10, 10, 0))
    assert closure is not None and closure.message == {}
    assert hours.closed_period(berlin(2026, 8, 1, 15, 0)) == after.isoformat()
    assert hours.closed_period(berlin(2026, 8, 1, 9, 0)) == berlin(2026, 8, 1, 10, 0).isoformat()


def test_year_end_opens_on_the_first_working_day_of_january() -> None:
    weekdays = calendar(
        {day: ["09:00-18:00"] for day in DAYS[:5]}, holidays={"country": "DE", "subdivision": "BE"}
    )
    assert weekdays.next_opening(berlin(2027, 12, 31, 18, 0)) == berlin(2028, 1, 3, 9, 0)
    assert weekdays.next_opening(berlin(2026, 12, 31, 18, 0)) == berlin(2027, 1, 4, 9, 0)


def test_the_shipped_calendar_over_christmas_and_the_new_year() -> None:
    hours = load_hours(PROJECT_ROOT / "hours.yml")
    assert hours.is_open(berlin(2026, 12, 23, 17, 59))
    assert hours.next_opening(berlin(2026, 12, 23, 18, 0)) == berlin(2027, 1, 2, 10, 0)
    assert hours.is_holiday(date(2026, 12, 24)) == "Holiday"
    winter = hours.current_closure(berlin(2026, 12, 31, 12, 0))
    assert winter is not None and winter.message["de"] == "Unser Team macht Winterpause."
    assert [day for day, _ in hours.upcoming_holidays(berlin(2026, 12, 20, 12, 0), 14)] == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 31),
        date(2027, 1, 1),
    ]
    assert hours.upcoming_holidays(berlin(2026, 12, 20, 12, 0), 4) == []


def test_closed_period_is_one_id_per_closed_period() -> None:
    hours = calendar({"monday": ["08:00-12:00", "13:00-17:00"], "tuesday": ["09:00-17:00"]})
    assert hours.closed_period(berlin(2026, 6, 15, 10, 0)) is None
    lunch = {hours.closed_period(berlin(2026, 6, 15, 12, m)) for m in range(0, 60, 7)}
    night = {
        hours.closed_period(berlin(2026, 6, 15, 17, 0) + timedelta(minutes=m))
        for m in range(0, 16 * 60, 13)
    }
    assert lunch == {berlin(2026, 6, 15, 13, 0).isoformat()}
    assert night == {berlin(2026, 6, 16, 9, 0).isoformat()}
    far = berlin(2026, 6, 16, 17, 0).astimezone(ZoneInfo("Asia/Tokyo"))
    assert hours.closed_period(far) == hours.closed_period(berlin(2026, 6, 21, 12, 0))


def test_nothing_opens_within_the_horizon() -> None:
    hours = calendar(closures=[{"from": "2026-01-01", "to": "2028-12-31"}])
    assert hours.next_opening(berlin(2026, 6, 15, 10, 0)) is None
    assert hours.next_closing(berlin(2026, 6, 15, 10, 0)) is None
    assert hours.closed_period(berlin(2026, 6, 15, 10, 0)) == "never"
    assert hours.next_opening(berlin(2028, 12, 31, 12, 0)) == berlin(2029, 1, 1, 9, 0)
