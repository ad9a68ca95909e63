"""Which language a customer names ("in German please", "¿hablas inglés?"). Pure."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bot.locale.format import babel_locale


def _fold(text: str) -> str:
    """Lowercase without accents, so "ingles" matches "inglés"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8)
def _names(supported: tuple[str, ...]) -> list[tuple[str, str]]:
    """(folded name, code) for every supported language named in every supported language."""
    names = {
        (_fold(str(babel_locale(spoken).languages.get(code, ""))), code)
        for code in supported
        for spoken in supported
    }
    # Longest first, so "portugiesisch" wins over a shorter name inside it.
    return sorted((n for n in names if len(n[0]) >= 4), key=lambda n: -len(n[0]))


def named_language(text: str, *, supported: list[str]) -> str | None:
    """The supported language ``text`` names, in any supported language; None if none or several."""
    folded = _fold(text)
    found = {code for name, code in _names(tuple(supported)) if name in folded}
    return found.pop() if len(found) == 1 else None
