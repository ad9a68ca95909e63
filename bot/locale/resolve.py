"""Choosing the conversation's language. Pure."""

from __future__ import annotations


def resolve_language(*, detected: str | None, previous: str | None, default: str) -> str:
    """The language to answer in.

    A confident detection wins; otherwise the conversation keeps the language
    it already had, so that "ok" or an order number never flips it.
    """
    return detected or previous or default
