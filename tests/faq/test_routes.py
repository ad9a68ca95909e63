"""A language's questions routed to an index of their own (a model tuned on the knowledge
base reads English only): English goes there, every other language stays on the main
index, each with its own thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.faq.matcher import Thresholds
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.faq_files import faq_entry, write_faq

ENTRIES = [
    faq_entry("track-order", question={"en": "Where is my order?"}, variants={"en": ["track it"]}),
    faq_entry("refund-time", question={"en": "How long does a refund take?"}),
]
LOOSE = Thresholds(answer=0.0, margin=0.0, clarify=0.0)


def reloader(folder: Path, encoder: FakeEncoder) -> HotReloader:
    loaded = HotReloader(folder=folder, encoder=encoder)
    loaded.check()
    return loaded


def test_english_questions_take_the_route_and_others_the_main_index(tmp_path: Path) -> None:
    write_faq(tmp_path / "orders.yml", ENTRIES)
    main = reloader(tmp_path, FakeEncoder(name="main", dim=64))
    english = reloader(tmp_path, FakeEncoder(name="tuned", dim=128))
    seen: list[str] = []
    for loaded in (main, english):
        encoder = loaded.live[1]
        original = encoder.encode_queries

        def spy(texts: Sequence[str], original: Any = original, name: str = encoder.name) -> Any:
            seen.append(name)
            return original(texts)

        encoder.encode_queries = spy  # type: ignore[method-assign]
    faq = FaqService(reloader=main, thresholds=None, fallback=LOOSE)
    assert faq.route("en", english) is None
    assert faq.ask("where is my order", language="en").entries[0].id == "track-order"
    faq.ask("¿dónde está mi pedido?", language="es")
    faq.ask("where is my order")  # language unknown: the main index
    assert seen == ["tuned:128", "main:64", "main:64"]
    # A newer route replaces the old one, which is handed back to be stopped.
    newer = reloader(tmp_path, FakeEncoder(name="newer", dim=32))
    assert faq.route("en", newer) is english
    assert faq.route("en", None) is newer
    faq.ask("where is my order", language="en")
    assert seen[-1] == "main:64"
