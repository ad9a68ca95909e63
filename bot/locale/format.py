"""Dates, times, numbers and money as the customer's locale writes them (Babel). Pure."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time, get_timezone
from babel.numbers import format_currency, format_decimal


def babel_locale(locale: str, *, fallback: str = "en") -> Locale:
    """The Babel locale for ``de-AT``, ``pt_BR`` or ``ar``; ``fallback`` if Babel has none."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(fallback)


def money(amount: Decimal | float | str, currency: str, locale: str) -> str:
    """``4,95 €`` in German, ``€4.95`` in English; whole amounts without cents (``€50``)."""
    value = Decimal(str(amount))
    text = str(format_currency(value, currency, locale=babel_locale(locale)))
    if value == value.to_integral_value():
        text = re.sub(r"[.,٫]0+(?!\d)", "", text)
    return text


def number(value: Decimal | float | int | str, locale: str) -> str:
    """``2.000`` in German, ``2,000`` in English."""
    return str(format_decimal(Decimal(str(value)), locale=babel_locale(locale)))


def day(value: date, locale: str, *, style: str = "long") -> str:
    """``24. Dezember 2026`` in German, ``December 24, 2026`` in English."""
    return str(format_date(value, format=style, locale=babel_locale(locale)))


def clock(value: time | datetime, locale: str, *, style: str = "short") -> str:
    """``18:00`` in German, ``6:00 PM`` in English (for a datetime, in its own zone)."""
    return str(format_time(value, format=style, locale=babel_locale(locale)))


def moment(value: datetime, locale: str, *, zone: str | None = None, style: str = "medium") -> str:
    """A date and time, shown in ``zone`` (an IANA name) when given."""
    tzinfo = get_timezone(zone) if zone else None
    return str(format_datetime(value, format=style, tzinfo=tzinfo, locale=babel_locale(locale)))


def language_name(code: str, *, in_language: str) -> str:
    """``Englisch`` for ``en`` in German; the autonym when both are the same (``Deutsch``)."""
    name = babel_locale(in_language).languages.get(code) or code
    return str(name)


def autonym(code: str) -> str:
    """A language's name in itself, capitalised as in a menu: ``Español``, ``العربية``."""
    name = language_name(code, in_language=code)
    return name[:1].upper() + name[1:]
