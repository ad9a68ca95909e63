from __future__ import annotations

import pytest

from bot.tone.profiles import ToneProfile
from bot.tone.renderer import compose, format_token, render

PHRASES = {"greeting": "Hey 👋", "apology": "Sorry!", "sign_off": "Bye", "empathy": "Ugh."}
CASUAL = ToneProfile("telegram", "de", "casual", True, True, 60, 4, "telegram-html", PHRASES)
FORMAL = ToneProfile("slack", "de", "formal", False, False, 2500, 2, "slack-mrkdwn", PHRASES)
WEB = ToneProfile("web", "en", "neutral", False, True, 1500, 3, "markdown", PHRASES)
VARIANTS = {"formal": "Geben Sie **Ihre** Adresse ein!", "casual": "Gib **deine** Adresse ein!"}


def test_the_register_follows_the_profile() -> None:
    assert compose(VARIANTS, CASUAL) == ["Gib **deine** Adresse ein!"]
    assert compose(VARIANTS, FORMAL) == ["Geben Sie **Ihre** Adresse ein."]
    assert compose(VARIANTS, WEB) == ["Geben Sie **Ihre** Adresse ein!"]  # neutral reads formal


def test_phrases_values_and_locale_formats_fill_placeholders() -> None:
    text = (
        "{greeting} Versand {money 4.95 EUR}, gratis ab {number 50}, "
        "am {date 2026-12-24} bis {time 18:00}; {limit} Zeichen. {unknown}"
    )
    profile = ToneProfile("web", "de", "formal", True, True, 1500, 3, "markdown", PHRASES)
    assert compose(text, profile, values={"limit": 2000}) == [
        "Hey 👋 Versand 4,95\xa0€, gratis ab 50, am 24. Dezember 2026 bis 18:00; "
        "2.000 Zeichen. {unknown}"
    ]
    [english] = compose("{money 4.95 EUR} on {date 2026-12-24} at {time 18:00}", WEB)
    assert english.replace("\u202f", " ") == "€4.95 on December 24, 2026 at 6:00 PM"


@pytest.mark.parametrize("token", ["money 4,95 EUR", "money lots", "date tomorrow", "time 25:99"])
def test_a_broken_token_is_left_for_the_tone_check_to_report(token: str) -> None:
    kind, argument = token.split(" ", 1)
    assert format_token(kind, argument, "de") is None


def test_emoji_and_exclamations_go_where_the_profile_forbids_them() -> None:
    assert compose("¡Hola! 🎉 Gracias!! Bis bald 👋", FORMAL) == ["Hola. Gracias. Bis bald"]
    assert compose("Bonjour ! Merci 🙂", FORMAL) == ["Bonjour. Merci"]
    assert compose("Hi! 🎉", CASUAL) == ["Hi! 🎉"]
    assert compose("See https://x.example/a!b and ok", FORMAL) == [
        "See https://x.example/a!b and ok"
    ]


def test_a_long_answer_becomes_several_messages_within_max_chars() -> None:
    text = "First paragraph with **bold** words.\n\n" + "Second sentence here. " * 8
    parts = compose(text, CASUAL)
    assert len(parts) > 1 and all(len(p.replace("**", "")) <= 60 for p in parts)
    assert parts[0] == "First paragraph with **bold** words."


def test_render_ends_in_the_channels_markup() -> None:
    text = "Click **Forgot password?** & see [help](https://x.example/h?a=1&b=2) <now>"
    assert render(text, CASUAL)[0].startswith("Click <b>Forgot password?</b> &amp;")
    assert render(text, FORMAL) == [
        "Click *Forgot password?* &amp; see <https://x.example/h?a=1&amp;b=2|help> &lt;now&gt;"
    ]
    assert render(text, WEB) == [text]
