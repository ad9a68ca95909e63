"""Learning from clicks: a customer's words for an entry, become one of its variants once
an editor accepts them (or, if the operator allows it, once enough different customers
chose the same entry for the same words)."""

from __future__ import annotations

from pathlib import Path

from bot.faq.editor import VariantError, add_variant
from bot.faq.loader import load_knowledge_base
from bot.store.clicks import ClickLog, LearnedPair


def accept(
    pair: LearnedPair, *, folder: Path, clicks: ClickLog, default_language: str, write: bool
) -> Path:
    """Add ``pair``'s text to its entry's variants (``write``) and mark the group accepted;
    returns the file it goes to.

    Raises:
        VariantError: The entry is gone, or the file would not validate.
    """
    kb = load_knowledge_base(folder, default_language=default_language)
    entry = kb.entries.get(pair.entry_id)
    if entry is None:
        raise VariantError(f"the entry '{pair.entry_id}' is not in {folder} any more")
    path = Path(entry.source)
    if write:
        add_variant(
            path, pair.entry_id, pair.language, pair.text, default_language=default_language
        )
        clicks.mark(pair.id, "accepted")
    return path
