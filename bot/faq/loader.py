"""Read and validate the FAQ knowledge base (``data/faq/*.yml``).

Validation is strict and complete: every problem in every file is reported
with its file, entry and field, so an editor can fix them all in one go.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.faq.schema import (
    Button,
    FaqEntry,
    FaqValidationError,
    KnowledgeBase,
    KnowledgeBaseInvalid,
    Link,
)

ENTRY_KEYS = {
    "id",
    "question",
    "variants",
    "answer",
    "tags",
    "links",
    "buttons",
    "owner",
    "last_reviewed",
}
REQUIRED_KEYS = ("id", "question", "answer", "tags", "owner", "last_reviewed")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


def faq_files(folder: Path) -> list[Path]:
    """The knowledge base files in ``folder``, in a stable order. Subfolders are never
    read: ``_suggested/`` holds drafts from ``frontline faq suggest --write``."""
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in {".yml", ".yaml"})


def load_knowledge_base(
    folder: Path, *, default_language: str = "en", today: date | None = None
) -> KnowledgeBase:
    """Load every file in ``folder``.

    Raises:
        KnowledgeBaseInvalid: with every problem found, when any file is invalid.
    """
    sources = {str(path): path.read_text(encoding="utf-8") for path in faq_files(folder)}
    return parse_knowledge_base(sources, default_language=default_language, today=today)


def parse_knowledge_base(
    sources: dict[str, str], *, default_language: str = "en", today: date | None = None
) -> KnowledgeBase:
    """Validate the text of each file (keyed by file name) into one knowledge base.

    Raises:
        KnowledgeBaseInvalid: with every problem in every file.
    """
    errors: list[FaqValidationError] = []
    files: dict[str, list[FaqEntry]] = {}
    for name, text in sources.items():
        try:
            files[name] = parse_file(name, text, default_language=default_language, today=today)
        except KnowledgeBaseInvalid as invalid:
            errors.extend(invalid.errors)
    entries: dict[str, FaqEntry] = {}
    for entry in (entry for parsed in files.values() for entry in parsed):
        if entry.id in entries:
            errors.append(duplicate_error(entry, entries[entry.id]))
        else:
            entries[entry.id] = entry
    if errors:
        raise KnowledgeBaseInvalid(errors)
    return KnowledgeBase(entries)


def parse_file(
    name: str, text: str, *, default_language: str = "en", today: date | None = None
) -> list[FaqEntry]:
    """Validate one file's text.

    Raises:
        KnowledgeBaseInvalid: with every problem in this file.
    """
    errors: list[FaqValidationError] = []
    entries = _parse_file(name, text, default_language, today or date.today(), errors)
    seen: dict[str, FaqEntry] = {}
    for entry in entries:
        if entry.id in seen:
            errors.append(duplicate_error(entry, seen[entry.id]))
        seen[entry.id] = entry
    if errors:
        raise KnowledgeBaseInvalid(errors)
    return entries


def duplicate_error(entry: FaqEntry, first: FaqEntry) -> FaqValidationError:
    return FaqValidationError(
        entry.source, entry.id, "id", f"duplicate id, already defined in {first.source}"
    )


def _parse_file(
    name: str, text: str, default_language: str, today: date, errors: list[FaqValidationError]
) -> list[FaqEntry]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        errors.append(_syntax_error(name, text, exc))
        return []
    if document is None:
        return []
    if not isinstance(document, dict) or set(document) != {"entries"}:
        errors.append(FaqValidationError(name, None, None, "the file must hold one key, 'entries'"))
        return []
    raw_entries = document["entries"]
    if not isinstance(raw_entries, list):
        errors.append(FaqValidationError(name, None, "entries", "must be a list of entries"))
        return []
    entries = []
    for position, raw in enumerate(raw_entries, start=1):
        entry = _EntryParser(name, position, raw, default_language, today, errors).parse()
        if entry is not None:
            entries.append(entry)
    return entries


def _syntax_error(name: str, text: str, exc: yaml.YAMLError) -> FaqValidationError:
    """Name the entry and field around a YAML syntax error, as well as YAML allows."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None) or ""
    problem = getattr(exc, "problem", None) or str(exc)
    # A token left open (a quote, a [ or {, a key without ':') is only noticed lines later,
    # often inside another entry; the context mark is where that token started.
    opened = context.startswith(("while scanning", "while parsing a flow"))
    if opened and context_mark is not None:
        mark = context_mark
        if problem_mark is not None:
            problem = f"{context} that starts here, {problem} at line {problem_mark.line + 1}"
    else:
        mark = problem_mark or context_mark
    line = mark.line if mark is not None else len(text.splitlines())
    entry, field = None, None
    id_indent = None
    for row in text.splitlines()[: line + 1]:
        found = re.match(r"^(\s*)(?:-\s+)?id:\s*['\"]?([^'\"\s#]+)", row)
        if found:
            entry, field = found.group(2), "id"
            id_indent = len(found.group(1)) + (2 if row.lstrip().startswith("-") else 0)
            continue
        key = re.match(r"^(\s*)([A-Za-z_]+):", row)
        if key and id_indent is not None and len(key.group(1)) == id_indent:
            field = key.group(2)
    where = f"line {line + 1}"
    return FaqValidationError(name, entry, field, f"YAML syntax error at {where}: {problem}")


class _EntryParser:
    """Turns one raw YAML mapping into a FaqEntry, recording every problem."""

    def __init__(
        self,
        file: str,
        position: int,
        raw: Any,
        default_language: str,
        today: date,
        errors: list[FaqValidationError],
    ) -> None:
        self.file = file
        self.raw = raw
        self.default_language = default_language
        self.today = today
        self.errors = errors
        self.entry_name = f"#{position}"

    def fail(self, field: str | None, problem: str) -> None:
        self.errors.append(FaqValidationError(self.file, self.entry_name, field, problem))

    def parse(self) -> FaqEntry | None:
        if not isinstance(self.raw, dict):
            self.fail(None, "an entry must be a mapping of fields")
            return None
        raw = self.raw
        if isinstance(raw.get("id"), str) and raw["id"]:
            self.entry_name = raw["id"]
        before = len(self.errors)
        for key in sorted(set(raw) - ENTRY_KEYS, key=str):
            self.fail(str(key), f"unknown field (allowed: {', '.join(sorted(ENTRY_KEYS))})")
        missing = {key for key in REQUIRED_KEYS if raw.get(key) in (None, "", [], {})}
        for key in REQUIRED_KEYS:
            if key in missing:
                self.fail(key, "is required")
        # The fields that are there are checked too, so that every problem is reported at once.
        entry_id = None if "id" in missing else self._id(raw["id"])
        question = (
            None
            if "question" in missing
            else self._localized("question", raw["question"], require_default=True)
        )
        registers: dict[str, dict[str, str]] = {}
        answer = None if "answer" in missing else self._answer(raw["answer"], registers)
        variants = self._variants(raw.get("variants") or {})
        tags = [] if "tags" in missing else self._strings("tags", raw["tags"])
        owner = None if "owner" in missing else self._text("owner", raw["owner"])
        reviewed = (
            None
            if "last_reviewed" in missing
            else self._date("last_reviewed", raw["last_reviewed"])
        )
        links = tuple(self._link(i, item) for i, item in enumerate(self._list("links", raw)))
        buttons = tuple(self._button(i, item) for i, item in enumerate(self._list("buttons", raw)))
        if len(self.errors) > before:
            return None
        assert entry_id and question and answer and owner and reviewed is not None
        return FaqEntry(
            id=entry_id,
            question=question,
            answer=answer,
            variants=variants,
            tags=tuple(tags),
            owner=owner,
            last_reviewed=reviewed,
            links=tuple(link for link in links if link),
            buttons=tuple(button for button in buttons if button),
            registers=registers,
            source=self.file,
        )

    def _text(self, field: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be non-empty text")
            return None
        return value.strip()

    def _id(self, value: Any) -> str | None:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.fail("id", "must be lowercase letters, digits and dashes, e.g. 'reset-password'")
            return None
        return value

    def _localized(self, field: str, value: Any, *, require_default: bool) -> dict[str, str] | None:
        if not isinstance(value, dict) or not value:
            self.fail(field, "must map language codes to text, e.g. {en: ..., de: ...}")
            return None
        result: dict[str, str] = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not LANGUAGE_PATTERN.match(lang):
                self.fail(f"{field}.{lang}", "is not a language code such as 'en' or 'pt-BR'")
            elif not isinstance(text, str) or not text.strip():
                self.fail(f"{field}.{lang}", "must be non-empty text")
            else:
                result[lang] = text.strip()
        if require_default and self.default_language not in value:
            self.fail(field, f"is missing the default language '{self.default_language}'")
        return result

    def _answer(self, value: Any, registers: dict[str, dict[str, str]]) -> dict[str, str] | None:
        """Answers per language: one text, or ``formal`` and ``casual`` variants."""
        if not isinstance(value, dict):
            return self._localized("answer", value, require_default=True)
        plain = {lang: text for lang, text in value.items() if not isinstance(text, dict)}
        result = self._localized("answer", plain, require_default=False) if plain else {}
        for lang, variants in value.items():
            if not isinstance(variants, dict):
                continue
            where = f"answer.{lang}"
            if not isinstance(lang, str) or not LANGUAGE_PATTERN.match(lang):
                self.fail(where, "is not a language code such as 'en' or 'pt-BR'")
                continue
            unknown = sorted(set(map(str, variants)) - {"formal", "casual"})
            if unknown or not variants:
                self.fail(where, "register variants must be 'formal' and/or 'casual'")
                continue
            texts = {}
            for register, text in variants.items():
                if not isinstance(text, str) or not text.strip():
                    self.fail(f"{where}.{register}", "must be non-empty text")
                else:
                    texts[str(register)] = text.strip()
            if texts:
                registers[lang] = {
                    "formal": texts.get("formal") or texts["casual"],
                    "casual": texts.get("casual") or texts["formal"],
                }
                result = {**(result or {}), lang: registers[lang]["formal"]}
        if self.default_language not in value:
            self.fail("answer", f"is missing the default language '{self.default_language}'")
        return result

    def _variants(self, value: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            self.fail("variants", "must map language codes to lists of phrasings")
            return {}
        result = {}
        for lang, texts in value.items():
            if not isinstance(lang, str) or not LANGUAGE_PATTERN.match(lang):
                self.fail(f"variants.{lang}", "is not a language code such as 'en' or 'pt-BR'")
                continue
            result[lang] = tuple(self._strings(f"variants.{lang}", texts))
        return result

    def _strings(self, field: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            self.fail(field, "must be a list of text")
            return []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{field}[{index}]", "must be non-empty text")
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]

    def _date(self, field: str, value: Any) -> date | None:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        if not isinstance(value, date):
            self.fail(field, "must be a date written YYYY-MM-DD")
            return None
        if value > self.today:
            self.fail(field, f"{value.isoformat()} is in the future")
        return value

    def _list(self, field: str, raw: dict[str, Any]) -> Iterable[Any]:
        value = raw.get(field) or []
        if not isinstance(value, list):
            self.fail(field, "must be a list")
            return []
        return value

    def _link(self, index: int, item: Any) -> Link | None:
        field = f"links[{index}]"
        if not isinstance(item, dict) or set(item) != {"url", "label"}:
            self.fail(field, "must have exactly 'url' and 'label'")
            return None
        url = item["url"]
        if not isinstance(url, str) or not re.match(r"^https?://\S+$", url):
            self.fail(f"{field}.url", "must be an http(s) address")
            return None
        label = self._localized(f"{field}.label", item["label"], require_default=True)
        return Link(url=url, label=label) if label else None

    def _button(self, index: int, item: Any) -> Button | None:
        field = f"buttons[{index}]"
        if not isinstance(item, dict) or set(item) != {"label", "payload"}:
            self.fail(field, "must have exactly 'label' and 'payload'")
            return None
        payload = item["payload"]
        if not isinstance(payload, str) or not payload.strip():
            self.fail(f"{field}.payload", "must be non-empty text")
            return None
        label = self._localized(f"{field}.label", item["label"], require_default=True)
        return Button(label=label, payload=payload.strip()) if label else None
