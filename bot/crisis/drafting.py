"""Drafts an incident's holding statement from the template in each language. Pure.

The draft acknowledges, empathises, says what is known and when the next update
comes (``crisis_statement_draft`` in ``data/responses/``). It is only a draft: a
person edits and approves it before any customer sees it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.tone.catalog import Catalog


def draft_statement(
    catalog: Catalog,
    *,
    languages: Sequence[str],
    title: str | Mapping[str, str],
    known: str | Mapping[str, str],
    next_update: str,
) -> dict[str, str]:
    """The draft per language. ``title`` and ``known`` may be given per language; a
    single text is used in every language (the editor translates it before approving)."""
    drafts = {}
    for language in languages:
        template = catalog.get("crisis_statement_draft", language)
        if template is None:
            continue
        text = template if isinstance(template, str) else template.get("formal", "")
        drafts[language] = text.format(
            title=_in(title, language).rstrip("."),
            known=_sentence(_in(known, language)),
            next_update=next_update,
        )
    return drafts


def _in(value: str | Mapping[str, str], language: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or next(iter(value.values()), "")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "؟", "?", "。")) else f"{text}."
