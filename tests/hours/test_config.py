"""``hours.yml``: the shipped file, the validator, and ``frontline hours``."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.hours.config import HoursConfigError, load_hours, parse_hours
from bot.hours.summary import describe
from bot.settings import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "hours.yml"
BERLIN = ZoneInfo("Europe/Berlin")
NARROW = "\u202f"  # CLDR puts a narrow no-break space before AM and PM
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def valid(**fields: Any) -> dict[str, Any]:
    week = {day: ["09:00-17:00"] for day in DAYS}
    return {"timezone": "Europe/Berlin", "response_time_minutes": 30, "weekly": week, **fields}


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(HoursConfigError) as caught:
        parse_hours(data)
    return caught.value.problems


def test_the_shipped_hours_load() -> None:
    hours = load_hours(SHIPPED)
    assert hours.timezone == "Europe/Berlin"
    assert hours.response_time_minutes == 60
    assert hours.weekly[0] == hours.weekly[4] == ((time(9), time(18)),)
    assert hours.weekly[5] == ((time(10), time(14)),)
    assert hours.weekly[6] == ()
    assert (hours.country, hours.subdivision) == ("DE", "BE")
    assert hours.holiday_dates == {date(2026, 12, 24), date(2026, 12, 31)}
    [winter] = hours.closures
    assert (winter.start, winter.end) == (date(2026, 12, 27), date(2027, 1, 1))
    assert set(winter.message) == {"en", "es", "de", "fr", "pt", "ar"}
    assert all(text.strip() for text in winter.message.values())


def test_spans_past_midnight_and_whole_days_parse() -> None:
    hours = parse_hours(valid(weekly={**{day: [] for day in DAYS}, "friday": ["22:00-02:00"]}))
    assert hours.weekly[4] == ((time(22), time(2)),)
    whole = parse_hours(valid(weekly={day: ["00:00-24:00"] for day in DAYS}))
    assert whole.weekly[0] == ((time(0), time(0)),)
    split = parse_hours(
        valid(weekly={**{day: [] for day in DAYS}, "monday": ["13:00-17:00", "08:00-12:00"]})
    )
    assert split.weekly[0] == ((time(8), time(12)), (time(13), time(17)))


def test_every_problem_is_named_with_its_field() -> None:
    data = valid(
        timezone="Europe/Berln",
        response_time_minutes=0,
        colour="blue",
        holidays={"country": "XX", "dates": ["2026-12-24", "2026-13-01"], "extra": 1},
        closures=[
            {"from": "2026-12-27", "to": "2026-12-20"},
            {"from": "someday", "to": date(2027, 1, 1), "message": {"en": ""}, "why": "x"},
            "2026-08-01",
        ],
    )
    data["weekly"] = {
        **data["weekly"],
        "friday": ["09:00-12:00", "25:00-26:00", 540, "12:30-12:30", "18:00-24:30"],
        "funday": [],
    }
    del data["weekly"]["sunday"]
    assert problems_of(data) == [
        "colour: unknown field",
        "timezone: 'Europe/Berln' is not an IANA timezone",
        "weekly.funday: not a day of the week",
        "weekly.friday[1]: '25:00-26:00' is not HH:MM-HH:MM",
        "weekly.friday[2]: 540 is not HH:MM-HH:MM",
        "weekly.friday[3]: '12:30-12:30' starts and ends at the same time "
        "(use 00:00-24:00 for a whole day)",
        "weekly.friday[4]: '18:00-24:30' is not HH:MM-HH:MM (24:00 is the latest end)",
        "weekly.sunday: missing (use [] for a closed day)",
        "holidays.extra: unknown field",
        "holidays.country: 'XX' is not a country the holidays package knows",
        "holidays.dates[1]: '2026-13-01' is not a date (YYYY-MM-DD)",
        "closures[0]: 'to' is before 'from'",
        "closures[1].why: unknown field",
        "closures[1].from: 'someday' is not a date (YYYY-MM-DD)",
        "closures[1].message.en: must be a non-empty text",
        "closures[2]: must be a mapping with 'from', 'to' and 'message'",
        "response_time_minutes: 0 is not a positive whole number of minutes",
    ]


def test_a_week_without_an_opening_is_an_error() -> None:
    assert problems_of(valid(weekly={day: [] for day in DAYS})) == [
        "weekly: no opening in the whole week"
    ]


def test_a_subdivision_must_belong_to_the_country() -> None:
    [problem] = problems_of(valid(holidays={"country": "DE", "subdivision": "ZZ"}))
    assert problem.startswith("holidays.subdivision: 'ZZ' is not a subdivision of DE (one of ")
    assert "BE" in problem
    assert problems_of(valid(holidays={"subdivision": "BE"})) == [
        "holidays.subdivision: needs holidays.country"
    ]


def test_overlapping_spans_are_errors_also_across_midnight_and_the_week_end() -> None:
    week = {day: [] for day in DAYS}
    week |= {"monday": ["00:30-02:00", "09:00-12:00", "11:00-14:00", "14:00-15:00"]}
    week |= {"friday": ["20:00-03:00"], "saturday": ["02:00-04:00"], "sunday": ["23:00-01:00"]}
    assert problems_of(valid(weekly=week)) == [
        "weekly.monday[2] '11:00-14:00': overlaps weekly.monday[1] '09:00-12:00'",
        "weekly.saturday[0] '02:00-04:00': overlaps weekly.friday[0] '20:00-03:00'",
        "weekly.sunday[0] '23:00-01:00': overlaps weekly.monday[0] '00:30-02:00'",
    ]


def test_a_file_that_is_not_yaml_or_not_there(tmp_path: Path) -> None:
    broken = tmp_path / "hours.yml"
    broken.write_text("timezone: [Europe/Berlin\n", encoding="utf-8")
    for path in (broken, tmp_path / "missing.yml"):
        with pytest.raises(HoursConfigError) as caught:
            load_hours(path)
        [problem] = caught.value.problems
        assert problem.startswith("cannot read: ")


def test_a_bad_date_in_the_file_is_named_not_a_yaml_crash(tmp_path: Path) -> None:
    path = tmp_path / "hours.yml"
    text = SHIPPED.read_text(encoding="utf-8").replace("2026-12-31]", "2026-12-32]")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HoursConfigError) as caught:
        load_hours(path)
    assert caught.value.problems == ["holidays.dates[1]: '2026-12-32' is not a date (YYYY-MM-DD)"]
    assert str(path) in str(caught.value)


def test_describe_names_the_days_and_says_why_it_is_closed() -> None:
    hours = load_hours(SHIPPED)
    lines = describe(hours, now=datetime(2026, 12, 28, 10, 0, tzinfo=BERLIN), locale="de")
    assert lines[0] == "Timezone: Europe/Berlin"
    assert "  Montag      09:00–18:00" in lines
    assert "  Sonntag     closed" in lines
    now = next(line for line in lines if line.startswith("Now"))
    assert now.endswith(
        "closed (closure 27. Dezember 2026 – 1. Januar 2027: Unser Team macht Winterpause.)"
    )
    assert "Next opening: Samstag, 2. Januar 2027, 10:00 (Europe/Berlin)" in lines
    assert "  Freitag, 1. Januar 2027: New Year's Day" in lines
    christmas = describe(hours, now=datetime(2026, 12, 25, 1, 0, tzinfo=ZoneInfo("UTC")))
    assert any(line.endswith(": closed (Christmas Day)") for line in christmas)
    open_ = describe(hours, now=datetime(2026, 12, 22, 10, 0, tzinfo=BERLIN))
    assert any(
        line.endswith(f": open until Tuesday, December 22, 2026, 6:00{NARROW}PM (Europe/Berlin)")
        for line in open_
    )
    assert (
        f"Next opening after that: Wednesday, December 23, 2026, 9:00{NARROW}AM (Europe/Berlin)"
        in open_
    )


def test_frontline_hours_shows_the_calendar(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hours", "--config", str(SHIPPED), "--at", "2026-12-23T17:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert f"Now, Wednesday, December 23, 2026, 6:00{NARROW}PM (Europe/Berlin): closed" in out
    assert f"Next opening: Saturday, January 2, 2027, 10:00{NARROW}AM (Europe/Berlin)" in out
    assert out.rstrip().endswith("no problems found.")


def test_frontline_hours_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hours.yml"
    path.write_text("timezone: Mars/Olympus\nweekly: {}\n", encoding="utf-8")
    assert main(["hours", "--config", str(path), "--at", "2026-12-23T17:00"]) == 1
    out = capsys.readouterr().out
    assert f"{path}: timezone: 'Mars/Olympus' is not an IANA timezone" in out
    assert f"{path}: weekly.monday: missing (use [] for a closed day)" in out
    assert f"{path}: weekly: no opening in the whole week" in out
    assert f"{path}: response_time_minutes: None is not a positive whole number of minutes" in out
