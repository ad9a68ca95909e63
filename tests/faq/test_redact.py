"""Personal data masked in texts editors see (bot/faq/redact.py)."""

from __future__ import annotations

import pytest

from bot.faq.redact import profile_names, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at ana.p+shop@mail.example.com", "mail me at <email>"),
        ("call +49 170 1234567 please", "call <phone> please"),
        ("order 4711 0815 33 never came", "order <number> never came"),
        ("my card 4111 1111 1111 1111 was charged", "my card <number> was charged"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN <iban>"),
        ("order #123456", "order <number>"),
        ("2 items for 49.90 on 12.03.", "2 items for 49.90 on 12.03."),
        ("size 42, 3 pairs", "size 42, 3 pairs"),
        ("where is order AB-20931X", "where is order <number>"),
        ("my order ORD2024118 is late", "my order <number> is late"),
        ("call (030) 123-4567 today", "call <phone> today"),
        ("iPhone15 or COVID-19 or MP3", "iPhone15 or COVID-19 or MP3"),
    ],
)
def test_numbers_emails_and_phones(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_the_customers_names() -> None:
    masked = redact_text("Hi, Zoe Müller here, Zoe needs help", names=["Zoe Müller", "Zoe"])
    assert masked == "Hi, <name> here, <name> needs help"


def test_profile_names_mask_the_whole_name_and_each_part() -> None:
    names = profile_names({"display_name": "Zoe Müller", "user_id": "42"})

    assert names == ["Zoe Müller", "Zoe", "Müller"]
    assert redact_text("Müller here, Zoe Müller", names=names) == "<name> here, <name>"
    assert profile_names({}) == []
