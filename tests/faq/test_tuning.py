"""``frontline faq tune`` for real: the packaged MiniLM fine-tuned on a small knowledge
base with one question per entry, judged on English questions it never saw, and kept
only when it beats the running engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.faq.loader import load_knowledge_base
from bot.faq.schema import KnowledgeBase
from bot.faq.tuning import _split, fingerprint, read_verdict, tune
from bot.settings import Settings
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.faq_files import faq_entry, write_faq

pytestmark = pytest.mark.slow

QA = {
    "refund": ("How long does a refund take?", "Refunds reach your card within ten days."),
    "shipping": ("Do you ship abroad?", "We deliver to thirty countries worldwide."),
    "password": ("I forgot my password", "Use the reset link on the sign-in page."),
    "invoice": ("Where do I find my invoice?", "Invoices are in your account under Orders."),
    "size": ("Which size should I pick?", "Our size chart lists chest and waist in cm."),
    "voucher": ("Can I use two vouchers?", "Only one discount code applies per order."),
    "warranty": ("Is there a warranty?", "Every product carries a two-year guarantee."),
    "cancel": ("How do I cancel an order?", "Open the order and choose Cancel before dispatch."),
    "pickup": ("Can I collect in store?", "Click and collect is free in all our shops."),
    "gift": ("Do you gift wrap?", "Gift wrapping costs three euros per parcel."),
}


def knowledge_base(tmp_path: Path) -> KnowledgeBase:
    entries = [faq_entry(key, question={"en": q}, answer={"en": a}) for key, (q, a) in QA.items()]
    (tmp_path / "faq").mkdir()
    write_faq(tmp_path / "faq" / "shop.yml", entries)
    return load_knowledge_base(tmp_path / "faq", default_language="en")


def test_single_question_entries_are_held_out_whole_and_judged_in_english(
    tmp_path: Path,
) -> None:
    train, held = _split(knowledge_base(tmp_path), "en")
    assert held, "a knowledge base of one question per entry still has something to judge"
    for language, text, entry_id in held:
        assert language == "en" and text == QA[entry_id][0]
        # The held-out entry stands in with its answer: nobody trains on its question.
        assert train[entry_id].question == {"en": QA[entry_id][1]}


def test_a_tuning_run_leaves_a_verdict_and_keeps_the_model_only_if_better(
    tmp_path: Path,
) -> None:
    kb = knowledge_base(tmp_path)
    folder = tmp_path / "tuned"
    verdict = tune(
        kb,
        base=FakeEncoder(),
        scoring=Settings().faq_scoring,
        folder=folder,
        threads=1,
        log=lambda _: None,
    )
    assert verdict == read_verdict(folder)
    assert verdict.fingerprint == fingerprint(kb) and verdict.held_out >= 1
    assert verdict.better == (verdict.tuned_top1 > verdict.base_top1)
    if verdict.better:
        assert verdict.model is not None and (Path(verdict.model) / "config.json").is_file()
    else:
        assert verdict.model is None
