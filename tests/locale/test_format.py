from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from bot.locale.format import autonym, clock, day, language_name, moment, money, number
from bot.locale.names import named_language


@pytest.mark.parametrize(
    ("locale", "amounts"),
    [
        ("en", ("€4.95", "€50", "€1,250")),
        ("de", ("4,95\xa0€", "50\xa0€", "1.250\xa0€")),
        ("fr", ("4,95\xa0€", "50\xa0€", "1\u202f250\xa0€")),
        ("pt-BR", ("€\xa04,95", "€\xa050", "€\xa01.250")),
    ],
)
def test_money_is_written_the_locales_way(locale: str, amounts: tuple[str, ...]) -> None:
    assert (
        money("4.95", "EUR", locale),
        money(50, "EUR", locale),
        money(1250, "EUR", locale),
    ) == amounts


def test_numbers_dates_and_times_follow_the_locale() -> None:
    assert (number(2000, "en"), number(2000, "de")) == ("2,000", "2.000")
    assert day(date(2026, 12, 24), "de") == "24. Dezember 2026"
    assert day(date(2026, 12, 24), "es") == "24 de diciembre de 2026"
    assert clock(time(18, 0), "de") == "18:00"
    assert clock(time(18, 0), "en").replace("\u202f", " ") == "6:00 PM"
    winter = datetime(2026, 1, 15, 17, 0, tzinfo=timezone.utc)
    assert "18:00:00" in moment(winter, "de", zone="Europe/Berlin")
    assert money("4.95", "EUR", "xx-unknown") == "€4.95"  # an unknown locale falls back


def test_language_names() -> None:
    assert language_name("en", in_language="de") == "Englisch"
    assert language_name("de", in_language="de") == "Deutsch"
    assert [autonym(c) for c in ("es", "fr", "pt", "ar")] == [
        "Español",
        "Français",
        "Português",
        "العربية",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("can we speak Spanish?", "es"),
        ("¿hablas ingles?", "en"),
        ("auf Deutsch bitte", "de"),
        ("parlez-vous anglais ?", "en"),
        ("pode falar em português?", "pt"),
        ("هل يمكننا التحدث بالعربية؟", "ar"),
        ("Französisch bitte", "fr"),
        ("Spanish or German?", None),
        ("where is my order", None),
    ],
)
def test_a_named_language_is_recognised_in_any_supported_language(
    text: str, code: str | None
) -> None:
    assert named_language(text, supported=["en", "es", "de", "fr", "pt", "ar"]) == code
