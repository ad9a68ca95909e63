"""From a click to an accepted variant: the click log (a real SQLite file), the variant
written into the entry's file with the rest untouched, and validation before writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.faq.editor import VariantError, add_variant
from bot.faq.learning import accept
from bot.faq.loader import load_knowledge_base
from bot.store.clicks import ClickLog, text_key
from bot.store.db import create_database, session_factory

FILE = """# Orders: a comment editors keep.
entries:
  - id: change-order-address
    question:
      en: Can I change the delivery address of an order?
    variants:
      en:
        - new delivery address
      de:
        - Lieferadresse ändern
    answer:
      en: >-
        Only before it ships.
    tags: [orders]
    owner: team
    last_reviewed: 2026-01-01

  - id: track-order
    question:
      en: Where is my order?
    answer:
      en: Follow the tracking link.
    tags: [orders]
    owner: team
    last_reviewed: 2026-01-01
"""


def folder(tmp_path: Path) -> Path:
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "orders.yml").write_text(FILE, encoding="utf-8")
    return faq


def test_a_variant_lands_under_its_language_and_nothing_else_moves(tmp_path: Path) -> None:
    path = folder(tmp_path) / "orders.yml"
    assert add_variant(path, "change-order-address", "en", 'moved, "wrong" address!')
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Orders: a comment editors keep.")
    assert '        - new delivery address\n        - "moved, \\"wrong\\" address!"\n' in text
    assert add_variant(path, "change-order-address", "fr", "changer l'adresse")
    assert add_variant(path, "track-order", "en", "wheres my parcel")
    kb = load_knowledge_base(path.parent)
    assert kb["change-order-address"].variants["fr"] == ("changer l'adresse",)
    assert kb["track-order"].variants["en"] == ("wheres my parcel",)
    assert not add_variant(path, "track-order", "en", "Wheres my parcel")  # already there


def test_a_missing_entry_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = folder(tmp_path) / "orders.yml"
    with pytest.raises(VariantError, match="no entry 'gift-cards'"):
        add_variant(path, "gift-cards", "en", "voucher")
    assert path.read_text(encoding="utf-8") == FILE


def test_identical_choices_group_and_accepting_writes_the_variant(tmp_path: Path) -> None:
    faq = folder(tmp_path)
    clicks = ClickLog(sessions=session_factory(create_database(f"sqlite:///{tmp_path}/f.db")))
    for customer in ("web-a", "web-b", "web-b"):
        count = clicks.record(
            text="I need to change the address",
            language="en",
            entry_id="change-order-address",
            conversation_id=customer,
        )
    assert count == 2
    clicks.record(text="i need to CHANGE the address!", language="en",
                  entry_id="change-order-address", conversation_id="web-c")  # fmt: skip
    [pair] = clicks.pairs()
    assert (pair.customers, pair.times, pair.entry_id) == (3, 4, "change-order-address")
    assert text_key(pair.text) == "i need to change the address"
    accept(pair, folder=faq, clicks=clicks, default_language="en", write=False)
    assert "I need to change the address" not in (faq / "orders.yml").read_text()  # dry run
    accept(pair, folder=faq, clicks=clicks, default_language="en", write=True)
    kb = load_knowledge_base(faq)
    assert "I need to change the address" in kb["change-order-address"].variants["en"]
    assert clicks.pairs() == [] and clicks.pairs(status="accepted")
