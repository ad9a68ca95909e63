"""A company's own FAQ, from a spreadsheet export, as a knowledge-base file.

The CSV has a header row with ``question`` and ``answer`` columns, and optionally
``variants`` (other phrasings, separated by ``|``), ``id``, ``tags`` (separated by ``|``)
and ``language``. Every row becomes one entry; an entry without an ``id`` gets one from
its question. The YAML is validated exactly as the bot will read it before a byte is
written, and an existing file is never overwritten.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.faq.loader import parse_file
from bot.faq.schema import FaqEntry

REQUIRED = ("question", "answer")
ID_WORDS = 6


class CsvImportError(ValueError):
    """The CSV cannot become a knowledge base; the message names the row and column."""


@dataclass(frozen=True)
class Imported:
    yaml_text: str
    entries: list[FaqEntry]


def import_csv(
    text: str,
    *,
    source: str,
    owner: str,
    language: str = "en",
    default_language: str = "en",
    tags: tuple[str, ...] = ("imported",),
    today: date | None = None,
) -> Imported:
    """The knowledge-base file for the CSV ``text`` (named ``source`` in errors)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {name.strip().casefold() for name in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise CsvImportError(f"{source}: no column {', '.join(missing)} in the header row")
    raw_entries: list[dict[str, Any]] = []
    taken: set[str] = set()
    for number, row in enumerate(reader, start=2):
        cells = {key.strip().casefold(): (value or "").strip() for key, value in row.items() if key}
        if not any(cells.values()):
            continue
        for name in REQUIRED:
            if not cells.get(name):
                raise CsvImportError(f"{source}, row {number}: the {name} is empty")
        lang = cells.get("language") or language
        entry_id = cells.get("id") or _slug(cells["question"], taken)
        if entry_id in taken:
            raise CsvImportError(f"{source}, row {number}: id '{entry_id}' is used twice")
        taken.add(entry_id)
        entry: dict[str, Any] = {"id": entry_id, "question": {lang: cells["question"]}}
        variants = [v.strip() for v in cells.get("variants", "").split("|") if v.strip()]
        if variants:
            entry["variants"] = {lang: variants}
        entry["answer"] = {lang: cells["answer"]}
        row_tags = [t.strip() for t in cells.get("tags", "").split("|") if t.strip()]
        entry["tags"] = row_tags or list(tags)
        entry["owner"] = owner
        entry["last_reviewed"] = (today or date.today()).isoformat()
        raw_entries.append(entry)
    if not raw_entries:
        raise CsvImportError(f"{source}: no rows")
    yaml_text = yaml.safe_dump(
        {"entries": raw_entries}, allow_unicode=True, sort_keys=False, width=100
    )
    entries = parse_file(source, yaml_text, default_language=default_language, today=today)
    return Imported(yaml_text, entries)


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which must not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)


def _slug(question: str, taken: set[str]) -> str:
    folded = unicodedata.normalize("NFKD", question.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", ascii_only)[:ID_WORDS] or ["entry"]
    base = "-".join(words)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
