"""Choosing the conversation's language. Pure.

Highest priority first: an explicit choice (``/language``, the widget's selector,
"can we speak Spanish?"), the platform's locale hint, the detected language of
the message, the default. Once set, the language sticks: a short or ambiguous
message ("ok", "👍", an order number) never flips it, and only a customer who
clearly writes in another language is followed. An explicit choice holds until
the customer chooses again.
"""

from __future__ import annotations

from dataclasses import dataclass

CLEAR_SWITCH_WORDS = 4


@dataclass(frozen=True)
class LanguageChoice:
    language: str
    pinned: bool = False


def supported_language(hint: str | None, *, supported: list[str]) -> str | None:
    """The supported language a locale such as ``de-AT``, ``pt_BR`` or ``es`` points to."""
    if not hint:
        return None
    base = hint.replace("_", "-").split("-")[0].lower()
    return base if base in supported else None


def is_clear(text: str, detected: str | None) -> bool:
    """A detection strong enough to switch a conversation: confident, on a real sentence."""
    return detected is not None and len(text.split()) >= CLEAR_SWITCH_WORDS


def choose_language(
    *,
    default: str,
    previous: str | None = None,
    pinned: bool = False,
    explicit: str | None = None,
    hint: str | None = None,
    detected: str | None = None,
    clear: bool = False,
) -> LanguageChoice:
    """The language to answer in after one message.

    Args:
        default: The language when nothing else decides.
        previous: The conversation's language so far, if any.
        pinned: Whether ``previous`` was chosen explicitly.
        explicit: A language the customer asked for in this message.
        hint: The platform's locale, as a supported language.
        detected: The message's language, when the detector is confident.
        clear: Whether ``detected`` is clear enough to switch (see :func:`is_clear`).
    """
    if explicit:
        return LanguageChoice(explicit, pinned=True)
    if pinned and previous:
        return LanguageChoice(previous, pinned=True)
    if detected and clear:
        return LanguageChoice(detected)
    if previous:
        return LanguageChoice(previous)
    return LanguageChoice(hint or detected or default)
