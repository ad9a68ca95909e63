"""The cosine index over every phrasing (bot/faq/index.py), with the fake encoder."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bot.faq.index import Scoring, build_index
from bot.faq.schema import FaqEntry, KnowledgeBase
from tests.auxil.fake_encoder import FakeEncoder


def entry(entry_id: str, question: dict[str, str], **variants: list[str]) -> FaqEntry:
    return FaqEntry(
        id=entry_id,
        question=question,
        answer={"en": f"Answer to {entry_id}."},
        variants={lang: tuple(texts) for lang, texts in variants.items()},
        tags=("test",),
        owner="test-team",
        last_reviewed=date(2024, 5, 1),
        source="kb.yml",
    )


def kb(*entries: FaqEntry) -> KnowledgeBase:
    return KnowledgeBase({e.id: e for e in entries})


KB = kb(
    entry(
        "reset-password",
        {"en": "How do I reset my password?", "de": "Wie setze ich mein Passwort zurück?"},
        en=["I forgot my password"],
        de=["Passwort vergessen"],
    ),
    entry("change-address", {"en": "How do I change my address?"}, en=["I moved house"]),
    entry("refund-time", {"en": "How long does a refund take?"}, es=["cuándo me devolvéis"]),
    entry("opening-hours", {"en": "When are you open?"}),
)


@pytest.fixture
def index(fake_encoder: FakeEncoder):
    """Nearest-neighbour scoring only, so that scores can be checked by brute force."""
    return build_index(KB, encoder=fake_encoder, scoring=Scoring(head_weight=0))


def test_every_phrasing_gets_one_row_grouped_by_entry(index) -> None:
    assert index.entry_ids == ("reset-password", "change-address", "refund-time", "opening-hours")
    assert index.vectors.shape == (9, 256)
    assert list(index.starts) == [0, 4, 6, 8]
    assert index.phrasings[4:6] == (("en", "How do I change my address?"), ("en", "I moved house"))
    assert index.embedded == 9


def test_an_entry_scores_its_best_phrasing(index, fake_encoder: FakeEncoder) -> None:
    query = fake_encoder.vector("forgot my password")

    (best, *_) = index.search(query, k=4)

    assert best.entry_id == "reset-password"
    assert best.matched == "I forgot my password"
    assert best.language == "en"
    assert best.score == pytest.approx(float(query @ fake_encoder.vector("I forgot my password")))
    assert best.similarity == best.score


def test_the_closest_phrasing_in_another_language_is_reported_with_its_language(
    index, fake_encoder: FakeEncoder
) -> None:
    (best, *_) = index.search(fake_encoder.vector("passwort vergessen"), k=2)

    assert (best.entry_id, best.matched, best.language) == (
        "reset-password",
        "Passwort vergessen",
        "de",
    )
    assert best.score == pytest.approx(1.0)


def test_search_returns_k_hits_best_first_with_brute_force_scores(
    index, fake_encoder: FakeEncoder
) -> None:
    text = "how do I change the refund address"
    query = fake_encoder.vector(text)
    expected = {
        e.id: max(float(query @ fake_encoder.vector(t)) for _, t in e.phrasings())
        for e in KB.entries.values()
    }

    found = index.search(query, k=3)

    assert len(found) == 3
    scores = [hit.score for hit in found]
    assert scores == sorted(scores, reverse=True)
    ranked = sorted(expected, key=expected.get, reverse=True)
    assert [hit.entry_id for hit in found] == ranked[:3]
    for hit in found:
        assert hit.score == pytest.approx(expected[hit.entry_id])
    assert found[0].entry_id == "change-address"


def test_k_larger_than_the_index_returns_every_entry_once(index, fake_encoder) -> None:
    found = index.search(fake_encoder.vector("password"), k=10)

    assert sorted(hit.entry_id for hit in found) == sorted(KB.entries)


def test_an_empty_index_finds_nothing(fake_encoder: FakeEncoder) -> None:
    empty = build_index(kb(), encoder=fake_encoder)

    assert empty.vectors.shape == (0, 256)
    assert empty.search(fake_encoder.vector("anything")) == []
    assert fake_encoder.documents_encoded == 0


def test_a_phrasing_repeated_within_an_entry_is_indexed_once(fake_encoder: FakeEncoder) -> None:
    repeated = entry("hours", {"en": "When are you open?"}, en=["When are you open?", "hours"])

    index = build_index(kb(repeated), encoder=fake_encoder)

    assert index.phrasings == (("en", "When are you open?"), ("en", "hours"))
    assert fake_encoder.documents == ["When are you open?", "hours"]


def test_a_rebuild_embeds_only_new_phrasings(index, fake_encoder: FakeEncoder) -> None:
    edited = kb(
        *[e for e in KB.entries.values() if e.id != "opening-hours"],
        entry("opening-hours", {"en": "When are you open?"}, en=["opening hours on sunday"]),
        entry("gift-cards", {"en": "Do you sell gift cards?"}),
    )
    fake_encoder.documents.clear()

    rebuilt = build_index(edited, encoder=fake_encoder, previous=index)

    assert fake_encoder.documents == ["opening hours on sunday", "Do you sell gift cards?"]
    assert rebuilt.embedded == 2
    fresh = build_index(edited, encoder=FakeEncoder())
    np.testing.assert_allclose(rebuilt.vectors, fresh.vectors)
    assert rebuilt.phrasings == fresh.phrasings


def test_vectors_of_another_encoder_are_not_reused(index) -> None:
    other = FakeEncoder(name="other-model")

    rebuilt = build_index(KB, encoder=other, previous=index)

    assert other.documents_encoded == 9
    assert rebuilt.encoder_name == other.name


def test_the_ridge_head_adds_its_weighted_score_to_the_nearest_phrasing(
    fake_encoder: FakeEncoder,
) -> None:
    index = build_index(KB, encoder=fake_encoder, scoring=Scoring(head_weight=0.5, ridge=0.1))
    query = fake_encoder.vector("how do I change the refund address")
    assert index.head is not None
    head_scores = dict(zip(index.entry_ids, index.head.scores(query)))

    for hit in index.search(query, k=4):
        expected = hit.similarity + 0.5 * head_scores[hit.entry_id]
        assert hit.score == pytest.approx(expected, abs=1e-5)
    scores = [hit.score for hit in index.search(query, k=4)]
    assert scores == sorted(scores, reverse=True)


class SameVector:
    """An encoder that cannot tell any two texts apart: every cosine is 1."""

    name = "same:4"
    dim = 4

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        return np.tile(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32), (len(texts), 1))

    encode_queries = encode_documents


def test_word_matching_settles_what_the_dense_score_cannot_and_only_by_its_weight() -> None:
    base = kb(
        entry("klarna", {"en": "Can I pay in instalments with Klarna?"}),
        entry("invoice", {"en": "Where do I find my invoice?"}),
    )
    query = SameVector().encode_queries(["does klarna work"])[0]
    dense = build_index(base, encoder=SameVector(), scoring=Scoring(head_weight=0))
    tied = dense.search(query, 2, text="does klarna work")
    assert tied[0].score == tied[1].score  # the dense score alone is a coin toss
    fused = build_index(
        base, encoder=SameVector(), scoring=Scoring(head_weight=0, lexical_weight=0.2)
    )
    hits = fused.search(query, 2, text="does klarna work")
    assert hits[0].entry_id == "klarna"
    # The word's share is its BM25 score (at most 1) times the weight, added to the cosine.
    assert 0 < hits[0].score - hits[1].score <= 0.2 + 1e-6
