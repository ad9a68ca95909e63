"""Reading and validating ``crisis.yml``: the surge thresholds and the operator's keyword topics.

Every problem is reported with its file, entry and field (:class:`bot.errors.ConfigError`).
The schema (``crisis.yml`` at the repository root shows every field)::

    version: 1
    surge:                         # all optional; defaults in bot/crisis/rules.py
      timezone: Europe/Berlin      # IANA name: hours of the week are local
      window_minutes: 15           # divides 60
      baseline_weeks: 4
      z: 6.0                       # robust z-score that raises an alert
      min_count: 12                # fewest messages in a window that can alert
      anger_z: 5.0
      min_angry: 6
      cooldown_minutes: 120
      examples: 5
    topics:                        # optional: keyword topics
      - id: app-outage             # lowercase letters, digits, dashes; unique
        title: The app is down     # optional
        keywords:                  # per language; a * at either end matches any letters
          en: [app down, "crash*"]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.crisis.rules import SurgeRules
from bot.crisis.topics import KeywordSet, KeywordTopics
from bot.errors import ConfigError, ConfigProblem

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)?")
_WHOLE = {"window_minutes", "baseline_weeks", "min_count", "min_angry", "cooldown_minutes"}
_WHOLE_OR_ZERO = {"examples"}

Report = Callable[[str, str, str], None]
"""Records a problem: ``report(entry, field, message)``."""


@dataclass(frozen=True)
class CrisisConfig:
    """``crisis.yml``, validated.

    Attributes:
        rules: The surge thresholds.
        topics: The operator's keyword topics.
    """

    rules: SurgeRules
    topics: KeywordTopics


def load_crisis(path: Path) -> CrisisConfig:
    """Read and validate ``crisis.yml``.

    Raises:
        ConfigError: The file cannot be read or is invalid; every problem is listed.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError([ConfigProblem(str(path), "", "", f"cannot read: {error}")]) from error
    return parse_crisis(data, source=str(path))


def parse_crisis(data: Any, *, source: str = "crisis.yml") -> CrisisConfig:
    """Validate the contents of ``crisis.yml``.

    Raises:
        ConfigError: Every problem, with its entry and field.
    """
    problems: list[ConfigProblem] = []

    def problem(entry: str, field: str, message: str) -> None:
        problems.append(ConfigProblem(source, entry, field, message))

    if not isinstance(data, dict):
        raise ConfigError([ConfigProblem(source, "", "", "must be a mapping with 'version: 1'")])
    for key in data:
        if key not in ("version", "surge", "topics"):
            problem("", str(key), "unknown field (version, surge, topics)")
    if data.get("version") != 1:
        problem("", "version", f"{data.get('version')!r} is not a known version (use 1)")
    rules = _rules(data.get("surge"), problem)
    sets = _topics(data.get("topics"), problem)
    if problems:
        raise ConfigError(problems)
    return CrisisConfig(rules=rules, topics=KeywordTopics(sets=sets))


def _rules(raw: Any, problem: Report) -> SurgeRules:
    if raw is None:
        return SurgeRules()
    if not isinstance(raw, dict):
        problem("surge", "", "must be a mapping of settings")
        return SurgeRules()
    known = {f.name: f.default for f in fields(SurgeRules)}
    given: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problem("surge", str(key), f"unknown field (one of {', '.join(known)})")
        elif key == "timezone":
            if _is_zone(value):
                given[key] = value
            else:
                problem("surge", key, f"{value!r} is not an IANA timezone such as Europe/Berlin")
        elif key in _WHOLE or key in _WHOLE_OR_ZERO:
            floor = 0 if key in _WHOLE_OR_ZERO else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < floor:
                problem("surge", key, f"{value!r} must be a whole number of at least {floor}")
            elif key == "window_minutes" and 60 % value:
                problem("surge", key, f"{value!r} must divide 60 (5, 10, 15, 20, 30 or 60)")
            else:
                given[key] = value
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            problem("surge", key, f"{value!r} must be a positive number")
        else:
            given[key] = float(value)
    return SurgeRules(**given)


def _is_zone(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _topics(raw: Any, problem: Report) -> list[KeywordSet]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problem("topics", "", "must be a list of topics with 'id' and 'keywords'")
        return []
    sets: list[KeywordSet] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        entry = f"topics[{index}]"
        if not isinstance(item, dict):
            problem(entry, "", "must be a mapping with 'id' and 'keywords'")
            continue
        ident = item.get("id")
        if isinstance(ident, str) and _ID.fullmatch(ident):
            entry = f"{entry} ({ident})"
            if ident in seen:
                problem(entry, "id", f"repeats the id of topics[{seen[ident]}]")
            seen.setdefault(ident, index)
        else:
            problem(entry, "id", f"{ident!r} must be lowercase letters, digits and dashes")
        for key in item:
            if key not in ("id", "title", "keywords"):
                problem(entry, str(key), "unknown field (id, title, keywords)")
        title = item.get("title", "")
        if not isinstance(title, str):
            problem(entry, "title", "must be a text")
        keywords = _keywords(item.get("keywords"), entry, problem)
        if isinstance(ident, str) and isinstance(title, str) and keywords:
            sets.append(KeywordSet(id=ident, keywords=keywords, title=title))
    return sets


def _keywords(raw: Any, entry: str, problem: Report) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not raw:
        problem(entry, "keywords", "must map languages (en, de...) to lists of keywords")
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for language, words in raw.items():
        field = f"keywords.{language}"
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            problem(entry, field, "is not a language code such as en or pt-BR")
            continue
        if not isinstance(words, list) or not words:
            problem(entry, field, "must be a non-empty list of keywords")
            continue
        kept = []
        for index, word in enumerate(words):
            if not isinstance(word, str) or not word.strip().strip("*").strip():
                problem(entry, f"{field}[{index}]", f"{word!r} is not a keyword")
            else:
                kept.append(word.strip())
        found[language] = tuple(kept)
    return found
