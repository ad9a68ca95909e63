"""Reading and validating ``hours.yml``; every problem is named with its field.

The schema (``hours.yml`` at the repository root shows every field)::

    timezone: Europe/Berlin                  # IANA name
    response_time_minutes: 60                # typical time to a human reply while open
    weekly:                                  # all seven days; [] is closed
      monday: ["09:00-18:00"]                # HH:MM-HH:MM; several spans: split shifts
      friday: ["09:00-12:00", "22:00-02:00"] # an end at or before the start: the next day
      sunday: []
    holidays:                                # optional
      country: DE                            # optional: public holidays (``holidays`` package)
      subdivision: BE                        # optional, needs country
      dates: [2026-12-24]                    # optional: extra closed days
    closures:                                # optional
      - from: 2026-12-27                     # inclusive, company-local
        to: 2027-01-01                       # inclusive
        message: {en: "...", de: "..."}      # optional, per language
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

from bot.hours.calendar import BusinessHours, Closure

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FIELDS = ("timezone", "response_time_minutes", "weekly", "holidays", "closures")
_SPAN = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")
_MINUTES_PER_DAY = 24 * 60
_MINUTES_PER_WEEK = 7 * _MINUTES_PER_DAY


class HoursConfigError(ValueError):
    """``hours.yml`` is invalid; every problem is listed with its field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


class _DatesAsText(yaml.SafeLoader):
    """Leaves ``2026-13-01`` a string, so a bad date is reported with its field."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_hours(path: Path) -> BusinessHours:
    """Read and validate ``hours.yml``."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText)
    except (OSError, yaml.YAMLError) as error:
        raise HoursConfigError(str(path), [f"cannot read: {error}"]) from error
    return parse_hours(data, source=str(path))


def parse_hours(data: dict[str, Any], *, source: str = "hours.yml") -> BusinessHours:
    """Validate the contents of ``hours.yml`` (dates may be ``date`` objects or ISO text)."""
    if not isinstance(data, dict):
        raise HoursConfigError(source, ["the file must be a mapping with 'timezone' and 'weekly'"])
    problems = [f"{key}: unknown field" for key in data if key not in _FIELDS]
    timezone = _timezone(data.get("timezone"), problems)
    weekly = _weekly(data.get("weekly"), problems)
    country, subdivision, dates = _holidays(data.get("holidays"), problems)
    closures = _closures(data.get("closures"), problems)
    minutes = _minutes(data.get("response_time_minutes"), problems)
    if problems:
        raise HoursConfigError(source, problems)
    return BusinessHours(
        timezone=timezone,
        weekly=weekly,
        holiday_dates=dates,
        country=country,
        subdivision=subdivision,
        closures=closures,
        response_time_minutes=minutes,
    )


def _timezone(value: Any, problems: list[str]) -> str:
    if not isinstance(value, str) or not value:
        problems.append("timezone: missing (an IANA name such as Europe/Berlin)")
        return ""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(f"timezone: {value!r} is not an IANA timezone")
    return value


def _minutes(value: Any, problems: list[str]) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(
            f"response_time_minutes: {value!r} is not a positive whole number of minutes"
        )
        return 0
    return value


def _weekly(value: Any, problems: list[str]) -> dict[int, tuple[tuple[time, time], ...]]:
    if not isinstance(value, dict):
        problems.append("weekly: missing (a list of spans for each day, [] when closed)")
        return {}
    problems += [f"weekly.{key}: not a day of the week" for key in value if key not in WEEKDAYS]
    weekly: dict[int, tuple[tuple[time, time], ...]] = {}
    placed: list[tuple[int, int, str]] = []  # minute of the week it starts and ends, where
    for number, name in enumerate(WEEKDAYS):
        spans = value.get(name)
        if spans is None:
            problems.append(f"weekly.{name}: missing (use [] for a closed day)")
            continue
        if not isinstance(spans, list):
            problems.append(f"weekly.{name}: must be a list of 'HH:MM-HH:MM' spans")
            continue
        parsed = []
        for index, text in enumerate(spans):
            where = f"weekly.{name}[{index}]"
            span = _span(text)
            if isinstance(span, str):
                problems.append(f"{where}: {text!r} {span}")
                continue
            parsed.append(span)
            start, end = (t.hour * 60 + t.minute for t in span)
            length = end - start if end > start else end + _MINUTES_PER_DAY - start
            begins = number * _MINUTES_PER_DAY + start
            placed.append((begins, begins + length, f"{where} {text!r}"))
        weekly[number] = tuple(sorted(parsed))
    problems += _overlaps(placed)
    if not any(isinstance(spans, list) and spans for spans in map(value.get, WEEKDAYS)):
        problems.append("weekly: no opening in the whole week")
    return weekly


def _span(text: Any) -> tuple[time, time] | str:
    """``(start, end)``, or why ``text`` is not a span. ``24:00`` ends a day: ``time(0)``."""
    match = _SPAN.fullmatch(text) if isinstance(text, str) else None
    if not match:
        return "is not HH:MM-HH:MM"
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
    if start_hour > 23 or start_minute > 59 or end_minute > 59 or end_hour > 24:
        return "is not HH:MM-HH:MM"
    if end_hour == 24 and end_minute:
        return "is not HH:MM-HH:MM (24:00 is the latest end)"
    if (start_hour, start_minute) == (end_hour, end_minute):
        return "starts and ends at the same time (use 00:00-24:00 for a whole day)"
    return time(start_hour, start_minute), time(end_hour % 24, end_minute)


def _overlaps(placed: list[tuple[int, int, str]]) -> list[str]:
    """Spans that overlap, also across midnight and from Sunday night into Monday."""
    found = []
    for index, (start, end, where) in enumerate(placed):
        for other_start, other_end, other in placed[:index]:
            for shift in (-_MINUTES_PER_WEEK, 0, _MINUTES_PER_WEEK):
                if start < other_end + shift and other_start + shift < end:
                    found.append(f"{where}: overlaps {other}")
                    break
    return found


def _holidays(value: Any, problems: list[str]) -> tuple[str | None, str | None, frozenset[date]]:
    if value is None:
        return None, None, frozenset()
    if not isinstance(value, dict):
        problems.append("holidays: must be a mapping with 'country', 'subdivision' and 'dates'")
        return None, None, frozenset()
    known = ("country", "subdivision", "dates")
    problems += [f"holidays.{key}: unknown field" for key in value if key not in known]
    country, subdivision = value.get("country"), value.get("subdivision")
    countries = holidays.list_supported_countries()
    if country is not None and (not isinstance(country, str) or country not in countries):
        problems.append(
            f"holidays.country: {country!r} is not a country the holidays package knows"
        )
        country = None
    if subdivision is not None and "country" not in value:
        problems.append("holidays.subdivision: needs holidays.country")
    elif subdivision is not None and country is not None:
        try:
            holidays.country_holidays(country, subdiv=str(subdivision))
        except NotImplementedError:
            choices = ", ".join(str(code) for code in countries[country])
            problems.append(
                f"holidays.subdivision: {subdivision!r} is not a subdivision of {country} "
                f"(one of {choices})"
            )
    dates = value.get("dates") or []
    if not isinstance(dates, list):
        problems.append("holidays.dates: must be a list of dates (YYYY-MM-DD)")
        dates = []
    parsed = set()
    for index, raw in enumerate(dates):
        day = _date(raw)
        if day is None:
            problems.append(f"holidays.dates[{index}]: {raw!r} is not a date (YYYY-MM-DD)")
        else:
            parsed.add(day)
    return country, str(subdivision) if subdivision is not None else None, frozenset(parsed)


def _closures(value: Any, problems: list[str]) -> tuple[Closure, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append("closures: must be a list of closures with 'from' and 'to'")
        return ()
    closures = []
    for index, raw in enumerate(value):
        where = f"closures[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a mapping with 'from', 'to' and 'message'")
            continue
        problems += [
            f"{where}.{key}: unknown field" for key in raw if key not in ("from", "to", "message")
        ]
        start, end = _date(raw.get("from")), _date(raw.get("to"))
        for key, day in (("from", start), ("to", end)):
            if day is None:
                problems.append(f"{where}.{key}: {raw.get(key)!r} is not a date (YYYY-MM-DD)")
        message = raw.get("message") or {}
        if not isinstance(message, dict):
            problems.append(f"{where}.message: must map languages to texts")
            message = {}
        for language, text in message.items():
            if not isinstance(language, str) or not isinstance(text, str) or not text.strip():
                problems.append(f"{where}.message.{language}: must be a non-empty text")
        if start and end and end < start:
            problems.append(f"{where}: 'to' is before 'from'")
        elif start and end:
            closures.append(Closure(start=start, end=end, message=dict(message)))
    return tuple(closures)


def _date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
