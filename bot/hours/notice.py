"""What the after-hours notice says: when the team is back, in the customer's time. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, format_timedelta, get_timezone_name

from bot.hours.calendar import BusinessHours
from bot.locale.format import babel_locale


def customer_zone(zone: str | None) -> ZoneInfo | None:
    """The customer's timezone, if the channel gave a real IANA name."""
    if not zone:
        return None
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def opening_values(
    hours: BusinessHours, *, at: datetime, language: str, zone: str | None
) -> dict[str, str] | None:
    """``opening_day``, ``opening_time`` and ``opening_zone`` for the next opening.

    In the customer's timezone when the channel knows it, else in the company's;
    the zone is always named, in the customer's language. None if nothing opens.
    """
    opening = hours.next_opening(at)
    if opening is None:
        return None
    local = opening.astimezone(customer_zone(zone) or ZoneInfo(hours.timezone))
    locale = babel_locale(language)
    return {
        "opening_day": str(format_date(local, format="full", locale=locale)),
        "opening_time": str(format_time(local, format="short", locale=locale)),
        "opening_zone": str(get_timezone_name(local, width="long", locale=locale)),
    }


def response_time(minutes: int, language: str) -> str:
    """``1 hour``, ``1 Stunde``: the typical wait for a person while the team is in."""
    return str(format_timedelta(timedelta(minutes=minutes), locale=babel_locale(language)))
