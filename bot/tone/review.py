"""``frontline tone check``: the cultural review of the bot's texts and the FAQ. Pure.

Each finding names its file, entry (or text key) and language. Errors fail the
check (and CI); warnings are for editors to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.faq.schema import KnowledgeBase
from bot.tone.catalog import Catalog
from bot.tone.formality import forms, register_of
from bot.tone.profiles import ToneBook, ToneProfile
from bot.tone.renderer import EMOJI, PLACEHOLDER, format_token

KNOWN_PLACEHOLDERS = {
    "greeting", "sign_off", "apology", "empathy", "regret", "languages", "language_name",
    "default_language_name", "limit", "money", "number", "date", "time", "response_time",
    "opening_day", "opening_time", "opening_zone", "closure_message", "agent",
    "title", "known", "next_update",  # crisis_statement_draft (bot/crisis/)
}  # fmt: skip


FAQ_TOKENS = {"money", "number", "date", "time"}


@dataclass(frozen=True, order=True)
class Finding:
    severity: str  # "error" or "warning"
    file: str
    entry: str
    language: str
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.severity.upper():7} {self.file}, {self.entry}, {self.language}: {self.problem}"
        )


def review(catalog: Catalog, kb: KnowledgeBase, tone: ToneBook, *, default: str) -> list[Finding]:
    """Every finding for the bot's texts and the knowledge base, sorted."""
    return sorted(
        [
            *review_catalog(catalog, tone, default=default),
            *review_knowledge_base(kb, tone, default=default),
        ]
    )


def review_catalog(catalog: Catalog, tone: ToneBook, *, default: str) -> Iterable[Finding]:
    for key, language in catalog.missing(tone.languages):
        yield Finding("error", "data/responses", key, language, "missing translation")
    for key in catalog.names():
        reference = _placeholders(catalog.texts[key].get(default, {}).values())
        for language, variants in catalog.texts[key].items():
            file = f"data/responses/{language}.yml"
            used = _placeholders(variants.values())
            for name in sorted(used - KNOWN_PLACEHOLDERS):
                yield Finding("error", file, key, language, f"unknown placeholder {{{name}}}")
            if language != default and reference and used != reference:
                yield Finding(
                    "error", file, key, language,
                    f"placeholders {sorted(used)} differ from {default}'s {sorted(reference)}",
                )  # fmt: skip
            yield from _registers(file, key, language, variants)


def review_knowledge_base(kb: KnowledgeBase, tone: ToneBook, *, default: str) -> Iterable[Finding]:
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        file = _shown(entry.source)
        where = f"entry '{entry.id}'"
        for language in tone.languages:
            variants = entry.answer_in(language)
            if variants is None:
                continue
            yield from _registers(file, where, language, variants)
            text = " ".join(variants.values())
            yield from _tokens(file, where, language, text)
            if language != default:
                for phrase in tone.review_phrases.get(language, []):
                    if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE):
                        yield Finding(
                            "warning", file, where, language,
                            f"'{phrase}' is an idiom or joke: have a native speaker review it",
                        )  # fmt: skip
            for name in sorted(tone.profiles):
                yield from _fits(file, where, language, variants, tone.named(name, language))


def summary(kb: KnowledgeBase, languages: list[str]) -> dict[str, int]:
    """How many answers each language is missing (they fall back to the default, with a note)."""
    return {
        language: sum(1 for e in kb.entries.values() if e.answer_in(language) is None)
        for language in languages
    }


def _registers(
    file: str, where: str, language: str, variants: Mapping[str, str]
) -> Iterable[Finding]:
    distinct = set(variants.values())
    seen: set[str] = set()
    for register, text in variants.items():
        if text in seen:
            continue
        seen.add(text)
        found = register_of(text, language)
        if found == "mixed":
            casual, formal = forms(text, language)
            words = ", ".join(sorted(set(casual)) + sorted(set(formal)))
            yield Finding("error", file, where, language, f"mixes informal and formal ({words})")
        elif len(distinct) > 1 and found is not None and found != register:
            yield Finding(
                "error", file, where, language, f"the {register} variant reads as {found}"
            )


def _fits(
    file: str, where: str, language: str, variants: Mapping[str, str], profile: ToneProfile
) -> Iterable[Finding]:
    text = variants.get(profile.register) or next(iter(variants.values()))
    written = register_of(text, language)
    single = len(set(variants.values())) == 1
    if single and written in ("casual", "formal") and written != profile.register:
        yield Finding(
            "warning", file, where, language,
            f"written {written}, but '{profile.name}' speaks {profile.register}: "
            f"add a {profile.register} variant",
        )  # fmt: skip
    if not profile.emoji and EMOJI.search(text):
        yield Finding(
            "warning", file, where, language,
            f"emoji, which the '{profile.name}' profile removes: write the answer without them",
        )  # fmt: skip
    if not profile.exclamations and "!" in text:
        yield Finding(
            "warning", file, where, language,
            f"'!', which the '{profile.name}' profile turns into '.': check it still reads well",
        )  # fmt: skip
    budget = profile.max_chars * profile.max_messages
    if len(text) > budget:
        yield Finding(
            "warning", file, where, language,
            f"{len(text)} characters: over {profile.max_messages} messages on '{profile.name}'",
        )  # fmt: skip


def _tokens(file: str, where: str, language: str, text: str) -> Iterable[Finding]:
    """Amounts, numbers, dates and times in an answer must be well formed."""
    for match in PLACEHOLDER.finditer(text):
        name, argument = match.group(1), match.group(2)
        if name not in FAQ_TOKENS or argument is None:
            yield Finding(
                "error", file, where, language,
                f"unknown placeholder {match.group(0)} (answers may use "
                "{money 4.95 EUR}, {number 2000}, {date 2026-12-24}, {time 18:00})",
            )  # fmt: skip
        elif format_token(name, argument, language) is None:
            yield Finding(
                "error", file, where, language, f"cannot read {match.group(0)}"
            )  # fmt: skip


def _placeholders(texts: Iterable[str]) -> set[str]:
    return {match.group(1) for text in texts for match in PLACEHOLDER.finditer(text)}


def _shown(path: str) -> str:
    """A path as short as it can be shown: relative to the working directory if inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path
