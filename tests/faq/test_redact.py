"""Personal data masked in texts editors see (bot/faq/redact.py)."""

from __future__ import annotations

import pytest

from bot.faq.redact import redact_text


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
    ],
)
def test_numbers_emails_and_phones(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_the_customers_names() -> None:
    masked = redact_text("Hi, Zoe Müller here, Zoe needs help", names=["Zoe Müller", "Zoe"])
    assert masked == "Hi, <name> here, <name> needs help"
