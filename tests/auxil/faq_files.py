"""Small FAQ knowledge-base files written by tests (the shipped KB is too big for unit tests)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml


def faq_entry(
    entry_id: str,
    *,
    question: dict[str, str],
    answer: dict[str, str] | None = None,
    variants: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One valid entry as the YAML mapping an editor would write."""
    raw: dict[str, Any] = {"id": entry_id, "question": question}
    if variants:
        raw["variants"] = variants
    raw["answer"] = answer or {lang: f"Answer to {entry_id} ({lang})." for lang in question}
    raw.update({"tags": ["test"], "owner": "test-team", "last_reviewed": "2024-05-01"})
    raw.update(extra)
    return raw


def faq_text(entries: list[dict[str, Any]]) -> str:
    return yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False)


def write_text(path: Path, text: str) -> None:
    """Write ``path`` as an editor would, making sure its mtime moves forward.

    File timestamps are coarse (a few milliseconds): two saves in one tick with the same
    size would look unchanged to a watcher, which no human editor can do but a test can.
    """
    before = path.stat().st_mtime_ns if path.exists() else None
    path.write_text(text, encoding="utf-8")
    after = path.stat().st_mtime_ns
    if before is not None and after <= before:
        bumped = before + 1_000_000
        os.utime(path, ns=(bumped, bumped))


def write_faq(path: Path, entries: list[dict[str, Any]]) -> None:
    write_text(path, faq_text(entries))
