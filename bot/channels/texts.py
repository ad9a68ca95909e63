"""The channels' own texts (``texts.yml``), in the customer's language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.locale.resolve import supported_language

TEXTS_FILE = Path(__file__).with_name("texts.yml")


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return {str(key): {str(k): str(v) for k, v in value.items()} for key, value in data.items()}


def language_of(hint: str | None, *, supported: list[str], default: str) -> str:
    """The supported language a locale hint such as ``de-AT`` or ``pt_BR`` points to."""
    return supported_language(hint, supported=supported) or default


def system_text(key: str, language: str, *, default: str = "en", **values: Any) -> str:
    """The text ``key`` in ``language`` (or ``default``), with placeholders filled."""
    variants = _texts()[key]
    template = variants.get(language) or variants[default]
    return template.format(**values)
