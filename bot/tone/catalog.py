"""The bot's texts, one YAML file per language (``data/responses/<lang>.yml``).

A text is one string, or ``formal`` and ``casual`` variants. Loading checks
every file and reports each problem with its file, key and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REGISTERS = ("formal", "casual")
Variants = dict[str, str]


class CatalogError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Catalog:
    """``texts[key][language]`` holds both register variants (equal for a plain string)."""

    texts: dict[str, dict[str, Variants]]
    sources: dict[str, Path]

    def get(self, key: str, language: str) -> Variants | None:
        return self.texts.get(key, {}).get(language)

    def names(self) -> list[str]:
        return sorted(self.texts)

    def missing(self, languages: list[str]) -> list[tuple[str, str]]:
        """Every (key, language) without a text."""
        return [
            (key, language)
            for key in self.names()
            for language in languages
            if language not in self.texts[key]
        ]


def load_catalog(folder: Path) -> Catalog:
    """Read every ``<language>.yml`` in ``folder``."""
    texts: dict[str, dict[str, Variants]] = {}
    sources: dict[str, Path] = {}
    problems: list[str] = []
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise CatalogError([f"{folder}: no <language>.yml files"])
    for path in files:
        language = path.stem
        sources[language] = path
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"{path.name}: cannot read: {error}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path.name}: must map text keys to texts")
            continue
        for key, value in data.items():
            variants = _variants(value)
            if isinstance(variants, str):
                problems.append(f"{path.name}, key '{key}': {variants}")
            else:
                texts.setdefault(str(key), {})[language] = variants
    if problems:
        raise CatalogError(problems)
    return Catalog(texts=texts, sources=sources)


def _variants(value: Any) -> Variants | str:
    """Both variants, or a description of what is wrong."""
    if isinstance(value, str) and value.strip():
        return {"formal": value.strip(), "casual": value.strip()}
    if isinstance(value, dict):
        unknown = set(map(str, value)) - set(REGISTERS)
        if unknown:
            return f"unknown field(s) {', '.join(sorted(unknown))} (allowed: formal, casual)"
        texts = {str(k): v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}
        if set(texts) != set(REGISTERS):
            return "needs non-empty 'formal' and 'casual' texts"
        return texts
    return "must be a text, or 'formal' and 'casual' texts"
