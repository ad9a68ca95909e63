"""``frontline faq suggest`` end to end: a real database, a small knowledge base, the FAQ's
real encoder; --json's shape, --write's drafts loaded back through the schema, and the
knowledge base that never reads them."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.cli import main
from bot.faq.loader import load_knowledge_base, parse_file
from bot.insight.cli import since
from bot.settings import get_settings
from bot.store.db import create_database, session_factory
from bot.store.unanswered import UnansweredLog
from tests.auxil.faq_files import faq_entry, write_faq
from tests.auxil.multilingual_gaps import GIFT_CARD, PICKUP, rows


@pytest.fixture
def frontline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings pointing at a fresh database and a two-entry knowledge base."""
    faq = tmp_path / "faq"
    faq.mkdir()
    write_faq(
        faq / "shop.yml",
        [
            faq_entry("returns", question={"en": "How do I return an item?"}),
            faq_entry("shipping-time", question={"en": "How long does delivery take?"}),
        ],
    )
    url = f"sqlite:///{tmp_path / 'fl.db'}"
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", url)
    monkeypatch.setenv("FRONTLINE_FAQ_DIR", str(faq))
    monkeypatch.setenv("FRONTLINE_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    log = UnansweredLog(sessions=session_factory(create_database(url)))
    for n, (lang, text) in enumerate(rows(GIFT_CARD) + rows(PICKUP)):
        log.record(
            text=f"{text} mail: kunde{n}@example.com",
            language=lang,
            channel="web",
            conversation_id=f"c{n}",
            candidates=[],
        )
    yield faq
    get_settings.cache_clear()


@pytest.mark.slow
def test_json_lists_one_object_per_cluster(frontline: Path, capsys) -> None:
    assert main(["faq", "suggest", "--json"]) == 0

    found = json.loads(capsys.readouterr().out)

    assert isinstance(found, list) and len(found) == 2
    for rank, item in enumerate(found, start=1):
        assert item["rank"] == rank
        assert item["size"] == 8 and item["questions"] == 8
        assert set(item["languages"]) == {"de", "en", "es", "fr"}
        assert 1 <= len(item["examples"]) <= 5
        assert all("@example.com" not in text and "<email>" in text for text in item["examples"])
        assert item["kind"] in ("new_entry", "missing_variant")
        assert item["draft"]["id"].startswith("suggested-")


@pytest.mark.slow
def test_write_puts_valid_drafts_where_the_knowledge_base_never_reads(
    frontline: Path, capsys
) -> None:
    before = load_knowledge_base(frontline)

    assert main(["faq", "suggest", "--write", "--limit", "5"]) == 0

    drafts = sorted((frontline / "_suggested").glob("*.yml"))
    assert len(drafts) == 2
    for path in drafts:
        [entry] = parse_file(str(path), path.read_text(encoding="utf-8"))
        assert entry.id.startswith("suggested-") and "suggested" in entry.tags
        assert sum(len(v) for v in entry.variants.values()) + len(entry.question) >= 8
    assert set(load_knowledge_base(frontline).entries) == set(before.entries)
    assert "wrote 2 draft(s)" in capsys.readouterr().out


def test_the_loader_skips_the_suggested_folder(tmp_path: Path) -> None:
    write_faq(tmp_path / "kb.yml", [faq_entry("returns", question={"en": "Return?"})])
    (tmp_path / "_suggested").mkdir()
    write_faq(
        tmp_path / "_suggested" / "draft.yml",
        [faq_entry("returns", question={"en": "A duplicate id, and a draft"})],
    )

    assert list(load_knowledge_base(tmp_path).entries) == ["returns"]


def test_since_reads_periods_and_dates() -> None:
    now = datetime(2024, 6, 8, tzinfo=timezone.utc)

    assert since("7d", now=now) == datetime(2024, 6, 1, tzinfo=timezone.utc)
    assert since("2024-05-01", now=now) == datetime(2024, 5, 1, tzinfo=timezone.utc)
    with pytest.raises(argparse.ArgumentTypeError, match="not a period"):
        since("last week", now=now)
