"""The channels' own texts (``sys_*`` in ``data/responses/``), in the customer's language.

Channels speak for themselves only when Rasa cannot be asked: a failure, or a
message refused before it reached the bot.
"""

from __future__ import annotations

from typing import Any

from bot.locale.resolve import supported_language
from bot.settings import get_settings
from bot.tone.texts import bot_texts


def language_of(hint: str | None, *, supported: list[str], default: str) -> str:
    """The supported language a locale hint such as ``de-AT`` or ``pt_BR`` points to."""
    return supported_language(hint, supported=supported) or default


def system_text(key: str, language: str, *, channel: str | None = None, **values: Any) -> str:
    """The text ``sys_<key>`` in ``language``, in the tone of ``channel``."""
    return bot_texts(get_settings()).line(
        f"sys_{key}", channel=channel, language=language, **values
    )
