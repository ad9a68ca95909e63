"""Golden tests: the same question on Telegram, Slack and the web widget, in en, de and es.

The goldens in ``tests/tone/golden/`` are exactly what a customer sees. After a
deliberate change to texts or tone, regenerate them with
``FRONTLINE_UPDATE_GOLDEN=1 uv run pytest tests/tone/test_goldens.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.faq.loader import load_knowledge_base
from bot.settings import Settings
from bot.tone.answers import answer_messages
from bot.tone.formality import register_of
from bot.tone.renderer import to_dialect
from bot.tone.texts import bot_texts

GOLDEN = Path(__file__).parent / "golden"
SETTINGS = Settings()
TEXTS = bot_texts(SETTINGS)
KB = load_knowledge_base(SETTINGS.faq_dir, default_language="en")

EXPECTED_REGISTER = {
    ("telegram", "de"): "casual",
    ("telegram", "es"): "casual",
    ("slack", "de"): "formal",
    ("slack", "es"): "formal",
    ("web", "de"): "formal",
    ("web", "es"): "formal",
}
MARKUP = {"telegram": "<b>", "slack": "*", "web": "**"}


def customer_sees(channel: str, language: str) -> str:
    profile = TEXTS.profile(channel, language)
    greeting = TEXTS.say("utter_greet", channel=channel, language=language)
    answer = answer_messages(KB["reset-password"], texts=TEXTS, channel=channel, language=language)
    messages = [to_dialect(m, profile.markup) for m in [*greeting, *answer.messages]]
    return "\n--- next message ---\n".join(messages) + "\n"


@pytest.mark.parametrize("language", ["en", "de", "es"])
@pytest.mark.parametrize("channel", ["telegram", "slack", "web"])
def test_the_same_question_sounds_right_on_each_channel(channel: str, language: str) -> None:
    seen = customer_sees(channel, language)
    path = GOLDEN / f"reset-password.{channel}.{language}.txt"
    if os.environ.get("FRONTLINE_UPDATE_GOLDEN"):
        path.write_text(seen, encoding="utf-8")
    assert seen == path.read_text(encoding="utf-8")

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
