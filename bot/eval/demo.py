"""The shipped knowledge base (``data/faq``) as evaluation rows, and the demo query sets.

The evaluation harness builds its index from labelled rows (:func:`bot.eval.faq.knowledge_base`),
so a FAQ folder is flattened into one row per phrasing, labelled with its entry id. Restricting
the languages (``--kb-languages en``) gives the knowledge base an editor who writes only English
would ship: the test for "questions in any language find entries written only in English".
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from bot.eval.datasets import LabelledText, read_csv
from bot.faq.loader import load_knowledge_base
from bot.faq.schema import KnowledgeBase

DEMO_QUERY_SETS: tuple[tuple[str, str], ...] = (
    ("en/es/de", "demo-queries-test.csv"),
    ("fr", "demo-queries-fr.csv"),
    ("pt", "demo-queries-pt.csv"),
    ("ar", "demo-queries-ar.csv"),
    ("ja", "demo-queries-ja.csv"),
)
"""The demo query files in ``bench/`` by language: the held-out en/es/de test set, then
customer messages in languages the knowledge base has no text in."""

DEMO_CALIBRATION = "demo-queries-calibration.csv"
"""The en/es/de messages the configured thresholds were chosen on (never test data)."""


def kb_rows(kb: KnowledgeBase, languages: Collection[str] | None = None) -> list[LabelledText]:
    """Every question and variant of every entry as a row labelled with the entry id.

    Args:
        kb: The knowledge base.
        languages: Keep only phrasings in these languages; ``None`` keeps all.

    Returns:
        The rows, entry by entry in knowledge-base order; a text repeated within an entry
        (the same words in two languages) appears once, as the index would hold it.

    Raises:
        ValueError: An entry has no phrasing in ``languages``, so it would silently vanish
            from the knowledge base.
    """
    rows: list[LabelledText] = []
    for entry in kb.entries.values():
        texts = [text for lang, text in entry.phrasings() if languages is None or lang in languages]
        if not texts:
            raise ValueError(
                f"entry {entry.id!r} has no question or variant in {sorted(languages or [])}"
            )
        rows.extend(LabelledText(text, entry.id) for text in dict.fromkeys(texts))
    return rows


def read_kb(
    path: Path, languages: Collection[str] | None, *, default_language: str
) -> list[LabelledText]:
    """Knowledge-base rows from a ``text,label`` CSV file or a FAQ folder.

    Args:
        path: A CSV file, or a folder of FAQ YAML files such as ``data/faq``.
        languages: For a folder, keep only phrasings in these languages (``None``: all).
        default_language: The folder's default language, for validation.

    Raises:
        ValueError: ``languages`` was given for a CSV file, or leaves an entry empty.
        KnowledgeBaseInvalid: The folder does not validate.
    """
    path = Path(path)
    if not path.is_dir():
        if languages:
            raise ValueError("--kb-languages needs a FAQ folder, not a CSV file")
        return read_csv(path)
    kb = load_knowledge_base(path, default_language=default_language)
    return kb_rows(kb, languages)
