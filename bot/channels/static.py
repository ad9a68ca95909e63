"""Static files a channel serves (the widget's, the inbox's), read once at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


def read_assets(directory: Path, names: Iterable[str]) -> dict[str, Asset]:
    """The files ``names`` in ``directory``, with their content types."""
    return {
        name: Asset((directory / name).read_bytes(), CONTENT_TYPES[Path(name).suffix])
        for name in names
    }
