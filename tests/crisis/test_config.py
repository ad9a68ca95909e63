"""``crisis.yml``: the shipped file loads, and every problem names its file, entry and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.crisis.config import load_crisis, parse_crisis
from bot.crisis.topics import Topic
from bot.errors import ConfigError, ConfigProblem, FrontlineError
from bot.settings import PROJECT_ROOT

VALID: dict[str, Any] = {
    "version": 1,
    "surge": {"timezone": "Europe/Berlin", "z": 4.5, "min_count": 10},
    "topics": [{"id": "outage", "title": "Down", "keywords": {"en": ["site down"]}}],
}


def problems_of(data: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse_crisis(data, source="crisis.yml")
    assert all(problem.file == "crisis.yml" for problem in caught.value.problems)
    return [(p.entry, p.field, p.message) for p in caught.value.problems]


def test_the_shipped_file_loads() -> None:
    config = load_crisis(PROJECT_ROOT / "crisis.yml")
    assert config.rules.timezone == "Europe/Berlin"
    assert config.rules.window_minutes == 15 and config.rules.baseline_weeks == 4
    assert [item.id for item in config.topics.sets] == ["outage", "payment-failure"]
    assert config.topics.topics_of("la página caída otra vez") == (Topic("keywords", "outage"),)


def test_settings_not_given_keep_their_defaults() -> None:
    config = parse_crisis(VALID)
    assert (config.rules.z, config.rules.min_count, config.rules.cooldown_minutes) == (4.5, 10, 120)
    assert parse_crisis({"version": 1}).topics.sets == ()


def test_every_problem_is_reported_with_entry_and_field() -> None:
    data = {
        "version": 2,
        "alerts": {},
        "surge": {
            "z": -1,
            "min_count": 0,
            "window_minutes": 7,
            "timezone": "Mars/Olympus",
            "cooldown_minutes": True,
            "sensitivity": "high",
        },
        "topics": [
            {"id": "outage", "keywords": {"en": ["down"]}},
            {"id": "outage", "keywords": {"en": ["*", ""], "english": ["x"]}},
            {"id": "Bad Id", "keywords": []},
            {"id": "fees", "title": 3, "colour": "red", "keywords": {"de": []}},
            "refunds",
        ],
    }
    found = problems_of(data)
    places = [(entry, field) for entry, field, _ in found]
    assert places == [
        ("", "alerts"),
        ("", "version"),
        ("surge", "z"),
        ("surge", "min_count"),
        ("surge", "window_minutes"),
        ("surge", "timezone"),
        ("surge", "cooldown_minutes"),
        ("surge", "sensitivity"),
        ("topics[1] (outage)", "id"),
        ("topics[1] (outage)", "keywords.en[0]"),
        ("topics[1] (outage)", "keywords.en[1]"),
        ("topics[1] (outage)", "keywords.english"),
        ("topics[2]", "id"),
        ("topics[2]", "keywords"),
        ("topics[3] (fees)", "colour"),
        ("topics[3] (fees)", "title"),
        ("topics[3] (fees)", "keywords.de"),
        ("topics[4]", ""),
    ]
    messages = dict(((entry, field), message) for entry, field, message in found)
    assert "repeats the id of topics[0]" in messages[("topics[1] (outage)", "id")]
    assert "must divide 60" in messages[("surge", "window_minutes")]
    assert "IANA" in messages[("surge", "timezone")]


def test_the_error_is_one_of_frontlines_and_says_where() -> None:
    error = ConfigError([ConfigProblem("crisis.yml", "topics[0] (outage)", "id", "bad")])
    assert isinstance(error, FrontlineError) and isinstance(error, ValueError)
    assert str(error) == "crisis.yml: topics[0] (outage): id: bad"
    assert (error.file, error.entry, error.field) == ("crisis.yml", "topics[0] (outage)", "id")


def test_an_unreadable_or_broken_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yml: cannot read"):
        load_crisis(tmp_path / "missing.yml")
    broken = tmp_path / "crisis.yml"
    broken.write_text("version: 1\ntopics: [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_crisis(broken)
    assert caught.value.file == str(broken)
    assert problems_of([]) == [("", "", "must be a mapping with 'version: 1'")]
