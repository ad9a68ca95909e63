"""Adding a variant to an entry in ``data/faq/``, the way an editor would: one line in the
entry's variants for the language, the rest of the file untouched (comments, folded
answers, order). The result is validated before it is written, so a bad write cannot
take an entry down, and it is written in one step, so hot reload never reads half."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from bot.faq.loader import parse_file
from bot.faq.schema import FaqEntry, KnowledgeBaseInvalid


class VariantError(ValueError):
    """The variant cannot be added; the message says why."""


def add_variant(
    path: Path, entry_id: str, language: str, text: str, *, default_language: str = "en"
) -> bool:
    """Add ``text`` to ``entry_id``'s variants in ``language``, in ``path``.

    Returns False when the entry already has it (nothing is written).

    Raises:
        VariantError: The entry is not in the file, or the result would not validate.
    """
    source = path.read_text(encoding="utf-8")
    before = _entry(source, path, entry_id, default_language)
    known = {t.casefold() for _, t in before.phrasings()}
    if text.strip().casefold() in known:
        return False
    updated = _insert(source.splitlines(keepends=True), entry_id, language, text.strip())
    after = _entry(updated, path, entry_id, default_language)
    if text.strip() not in after.variants.get(language, ()):
        raise VariantError(f"{path}, entry '{entry_id}': the variant did not land")
    _write(path, updated)
    return True


def _entry(source: str, path: Path, entry_id: str, default_language: str) -> FaqEntry:
    try:
        entries = parse_file(str(path), source, default_language=default_language)
    except KnowledgeBaseInvalid as invalid:
        raise VariantError(str(invalid)) from invalid
    found = next((e for e in entries if e.id == entry_id), None)
    if found is None:
        raise VariantError(f"{path}: no entry '{entry_id}'")
    return found


def _insert(lines: list[str], entry_id: str, language: str, text: str) -> str:
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.fullmatch(rf"\s*- id:\s*['\"]?{re.escape(entry_id)}['\"]?\s*", line.rstrip())
        ),
        None,
    )
    if start is None:
        raise VariantError(f"no entry '{entry_id}'")
    dash = len(lines[start]) - len(lines[start].lstrip())
    field = " " * (dash + 2)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() and _indent(lines[i]) <= dash),
        len(lines),
    )
    item = json.dumps(text, ensure_ascii=False)
    variants = _find(lines, start, end, f"{field}variants:")
    if variants is None:
        answer = _find(lines, start, end, f"{field}answer:") or end
        block = [f"{field}variants:\n", f"{field}  {language}:\n", f"{field}    - {item}\n"]
        return "".join(lines[:answer] + block + lines[answer:])
    stop = next(
        (
            i
            for i in range(variants + 1, end)
            if lines[i].strip() and _indent(lines[i]) <= len(field)
        ),
        end,
    )
    own = _find(lines, variants + 1, stop, f"{field}  {language}:")
    if own is None:
        block = [f"{field}  {language}:\n", f"{field}    - {item}\n"]
        return "".join(lines[:stop] + block + lines[stop:])
    last = own
    for i in range(own + 1, stop):
        if lines[i].strip() and _indent(lines[i]) <= len(field) + 2:
            break
        if lines[i].strip():
            last = i
    items = [i for i in range(own + 1, last + 1) if lines[i].lstrip().startswith("- ")]
    pad = _indent(lines[items[0]]) if items else len(field) + 4
    return "".join([*lines[: last + 1], f"{' ' * pad}- {item}\n", *lines[last + 1 :]])


def _find(lines: list[str], start: int, end: int, head: str) -> int | None:
    return next((i for i in range(start, end) if lines[i].rstrip() in (head, head + " ")), None)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".faq-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
