"""Golden tests: one entry's answer on Telegram, Slack and the web widget, in all six
languages.

The goldens in ``tests/tone/golden/`` are exactly what a customer sees; this test never
writes them (``uv run python -m tests.tone.goldens`` does, for a reviewed change).
"""

from __future__ import annotations

import pytest

from bot.tone.formality import register_of
from tests.tone.goldens import CHANNELS, LANGUAGES, customer_sees, golden_path

EXPECTED_REGISTER = {
    ("telegram", "de"): "casual",
    ("telegram", "es"): "casual",
    ("telegram", "fr"): "casual",
    ("slack", "de"): "formal",
    ("slack", "es"): "formal",
    ("slack", "fr"): "formal",
    ("web", "de"): "formal",
    ("web", "es"): "formal",
    ("web", "fr"): "formal",
}
MARKUP = {"telegram": "<b>", "slack": "*", "web": "**"}
# Words of each language's answer: a fallback to English would not contain them.
OWN_WORDS = {
    "en": "password",
    "es": "contraseña",
    "de": "Passwort",
    "fr": "mot de passe",
    "pt": "senha",
    "ar": "كلمة المرور",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("channel", CHANNELS)
def test_the_same_question_sounds_right_on_each_channel(channel: str, language: str) -> None:
    seen = customer_sees(channel, language)

    assert seen == golden_path(channel, language).read_text(encoding="utf-8")
    assert OWN_WORDS[language] in seen
    expected = EXPECTED_REGISTER.get((channel, language))
    if expected:
        assert register_of(seen, language) == expected
    assert MARKUP[channel] in seen
    if channel == "telegram":
        assert "👋" in seen and "**" not in seen
    if channel == "slack":
        assert "!" not in seen and "👋" not in seen and "<b>" not in seen
    if channel == "web":
        assert "👋" not in seen and "<b>" not in seen


def test_every_language_has_its_own_answer() -> None:
    for channel in CHANNELS:
        answers = {language: customer_sees(channel, language) for language in LANGUAGES}
        assert len(set(answers.values())) == len(LANGUAGES)
