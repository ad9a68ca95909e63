"""Choosing the conversation's language. Pure."""

from __future__ import annotations


def supported_language(hint: str | None, *, supported: list[str]) -> str | None:
    """The supported language a locale such as ``de-AT``, ``pt_BR`` or ``es`` points to."""
    if not hint:
        return None
    base = hint.replace("_", "-").split("-")[0].lower()
    return base if base in supported else None


def resolve_language(
    *, detected: str | None, previous: str | None, default: str, hint: str | None = None
) -> str:
    """The language to answer in.

    A confident detection wins; otherwise the conversation keeps the language
    it already had, so that "ok" or an order number never flips it. A new
    conversation whose first message says nothing (a photo, "ok") follows the
    platform's locale hint (Telegram's language, the browser's, Slack's).
    """
    return detected or previous or hint or default
