"""Thresholds a knowledge base calibrates for itself (bot/faq/calibrate.py), on knowledge
bases built in the test: many variants per entry, and one question per entry."""

from __future__ import annotations

from datetime import date

import numpy as np

from bot.faq.calibrate import calibrate
from bot.faq.index import Scoring, build_index
from bot.faq.schema import FaqEntry, KnowledgeBase
from tests.auxil.fake_encoder import FakeEncoder

TOPICS = {
    "refund": ["refund money back", "when is my refund", "refund not arrived", "money back refund"],
    "password": ["reset password", "forgot password", "password not working", "new password"],
    "tracking": ["track parcel", "where is parcel", "parcel tracking link", "track my parcel"],
    "invoice": ["invoice download", "need invoice", "invoice for order", "where invoice"],
    "sizes": ["size guide", "which size fits", "size chart", "size too small"],
}
OFFTOPIC = ["weather tomorrow sunny", "football score yesterday", "tell me a joke please"]
SCORING = Scoring(head_weight=0.5, lexical_weight=0.2, answer_weight=0.3)


def kb(phrasings: dict[str, list[str]], answers: dict[str, str] | None = None) -> KnowledgeBase:
    return KnowledgeBase(
        {
            key: FaqEntry(
                id=key,
                question={"en": texts[0]},
                answer={"en": (answers or {}).get(key, f"About {key}.")},
                tags=("t",),
                owner="t",
                last_reviewed=date(2026, 1, 1),
                source="t.yml",
                variants={"en": tuple(texts[1:])},
            )
            for key, texts in phrasings.items()
        }
    )


def run(base: KnowledgeBase, encoder: FakeEncoder, **kw: object):  # type: ignore[no-untyped-def]
    index = build_index(base, encoder=encoder, scoring=SCORING)
    return calibrate(
        index,
        encoder=encoder,
        scoring=SCORING,
        offtopic=encoder.encode_queries(OFFTOPIC),
        offtopic_texts=OFFTOPIC,
        **kw,  # type: ignore[arg-type]
    )


def test_many_variants_per_entry_reach_the_target_precision(fake_encoder: FakeEncoder) -> None:
    found = run(kb(TOPICS), fake_encoder)
    assert found is not None and found.reached
    assert found.precision >= 0.95 and found.answer_rate > 0.3
    assert found.positives == sum(len(v) for v in TOPICS.values())
    t = found.thresholds
    assert 0 <= t.clarify <= t.answer and t.margin >= 0


def test_a_stricter_target_never_answers_more(fake_encoder: FakeEncoder) -> None:
    loose = run(kb(TOPICS), fake_encoder, target_precision=0.8)
    strict = run(kb(TOPICS), fake_encoder, target_precision=0.99)
    assert loose is not None and strict is not None
    assert strict.answer_rate <= loose.answer_rate


def test_one_question_per_entry_calibrates_on_its_answers(fake_encoder: FakeEncoder) -> None:
    questions = {key: [f"{texts[0]} {texts[1]} question"] for key, texts in TOPICS.items()}
    answers = {key: " ".join(texts) for key, texts in TOPICS.items()}
    found = run(kb(questions, answers), fake_encoder)
    assert found is not None and found.positives >= len(TOPICS)
    assert np.isfinite(found.thresholds.answer)


def test_a_knowledge_base_of_one_entry_is_not_calibrated(fake_encoder: FakeEncoder) -> None:
    assert run(kb({"refund": TOPICS["refund"]}), fake_encoder) is None
