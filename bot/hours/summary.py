"""The business hours as ``frontline hours`` prints them. Pure: the current time is passed in.

Labels are in English for the operator; day names, dates and times follow ``locale`` (Babel).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.hours.calendar import BusinessHours, Closure
from bot.locale.format import babel_locale, clock, day

UPCOMING_DAYS = 60


def describe(hours: BusinessHours, *, now: datetime, locale: str = "en") -> list[str]:
    """Timezone, weekly schedule, open or closed now (and why), next opening, what is coming."""
    names = babel_locale(locale).days["format"]["wide"]  # 0 is Monday, as in ``weekly``
    width = max(len(str(name)) for name in names.values())
    lines = [f"Timezone: {hours.timezone}", "Weekly schedule:"]
    for number in range(7):
        spans = hours.weekly.get(number, ())
        text = ", ".join(_span(start, end, locale) for start, end in spans) or "closed"
        lines.append(f"  {_capitalised(str(names[number])):<{width}}  {text}")
    lines.append(f"Typical reply while open: {hours.response_time_minutes} minutes")
    lines.append(f"Now, {_when(now, hours, locale)}: {_status(hours, now, locale)}")
    closing = hours.next_closing(now)
    opening = hours.next_opening(closing or now)
    label = "Next opening after that" if closing else "Next opening"
    found = _when(opening, hours, locale) if opening else "none within a year"
    lines.append(f"{label}: {found}")
    lines.append(f"Holidays in the next {UPCOMING_DAYS} days:")
    holidays = hours.upcoming_holidays(now, UPCOMING_DAYS)
    lines += [f"  {day(date, locale, style='full')}: {name}" for date, name in holidays]
    lines += [] if holidays else ["  none"]
    lines.append(f"Closures in the next {UPCOMING_DAYS} days:")
    today = now.astimezone(hours.zone).date()
    closures = [
        closure
        for closure in hours.closures
        if closure.end >= today and closure.start < today + timedelta(days=UPCOMING_DAYS)
    ]
    lines += [f"  {_closure(closure, locale)}" for closure in closures] or ["  none"]
    return lines


def _status(hours: BusinessHours, now: datetime, locale: str) -> str:
    if hours.is_open(now):
        closing = hours.next_closing(now)
        return f"open until {_when(closing, hours, locale)}" if closing else "open"
    closure = hours.current_closure(now)
    if closure:
        return f"closed ({_closure(closure, locale)})"
    holiday = hours.is_holiday(now.astimezone(hours.zone).date())
    return f"closed ({holiday})" if holiday else "closed (outside business hours)"


def _when(moment: datetime, hours: BusinessHours, locale: str) -> str:
    local = moment.astimezone(hours.zone)
    return f"{day(local.date(), locale, style='full')}, {clock(local, locale)} ({hours.timezone})"


def _span(start: time, end: time, locale: str) -> str:
    if start == end == time(0):
        return "all day"
    text = f"{clock(start, locale)}–{clock(end, locale)}"
    return f"{text} (next day)" if end <= start and end != time(0) else text


def _closure(closure: Closure, locale: str) -> str:
    dates = f"{day(closure.start, locale)} – {day(closure.end, locale)}"
    language = str(babel_locale(locale).language)
    message = closure.message.get(language) or closure.message.get("en")
    return f"closure {dates}: {message}" if message else f"closure {dates}"


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]
