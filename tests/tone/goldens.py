"""What a customer sees for one entry, per channel and language, and the writer of the
goldens in ``tests/tone/golden/``.

The tests only compare. After a deliberate change to texts or tone, rewrite the goldens
with ``uv run python -m tests.tone.goldens`` and review the diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

from bot.faq.loader import load_knowledge_base
from bot.settings import Settings
from bot.tone.answers import answer_messages
from bot.tone.renderer import to_dialect
from bot.tone.texts import bot_texts

GOLDEN = Path(__file__).parent / "golden"
ENTRY = "reset-password"
CHANNELS = ("telegram", "slack", "web")
LANGUAGES = ("en", "es", "de", "fr", "pt", "ar")
SETTINGS = Settings()
TEXTS = bot_texts(SETTINGS)
KB = load_knowledge_base(SETTINGS.faq_dir, default_language="en")


def golden_path(channel: str, language: str) -> Path:
    return GOLDEN / f"{ENTRY}.{channel}.{language}.txt"


def customer_sees(channel: str, language: str) -> str:
    """The greeting and the answer, as the channel renders them."""
    profile = TEXTS.profile(channel, language)
    greeting = TEXTS.say("utter_greet", channel=channel, language=language)
    answer = answer_messages(KB[ENTRY], texts=TEXTS, channel=channel, language=language)
    messages = [to_dialect(m, profile.markup) for m in [*greeting, *answer.messages]]
    return "\n--- next message ---\n".join(messages) + "\n"


def main() -> None:
    for channel in CHANNELS:
        for language in LANGUAGES:
            path = golden_path(channel, language)
            path.write_text(customer_sees(channel, language), encoding="utf-8")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
