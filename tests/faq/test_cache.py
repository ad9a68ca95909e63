"""The on-disk embedding cache (bot/faq/cache.py), on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.faq.cache import CachedEncoder, EmbeddingCache
from tests.auxil.fake_encoder import FakeEncoder

TEXTS = ["How do I reset my password?", "Passwort vergessen", "¿Cuánto tarda un reembolso?"]


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "var" / "embeddings.sqlite3"


def start(cache_file: Path, encoder: FakeEncoder) -> tuple[CachedEncoder, EmbeddingCache]:
    """What a process start does: open the cache file and wrap the model."""
    cache = EmbeddingCache(cache_file)
    return CachedEncoder(encoder=encoder, cache=cache), cache


def test_a_restart_embeds_nothing_it_has_seen_before(cache_file: Path) -> None:
    first_model = FakeEncoder()
    first, cache = start(cache_file, first_model)
    original = first.encode_documents(TEXTS)
    cache.close()
    assert first_model.documents == TEXTS

    model = FakeEncoder()
    second, _ = start(cache_file, model)
    again = second.encode_documents(TEXTS)

    assert model.documents_encoded == 0
    assert second.documents_encoded == 0
    np.testing.assert_array_equal(again, original)
    assert again.dtype == np.float32
    assert again.shape == (3, 256)


def test_a_restart_embeds_only_the_new_texts(cache_file: Path) -> None:
    first, cache = start(cache_file, FakeEncoder())
    first.encode_documents(TEXTS[:2])
    cache.close()

    model = FakeEncoder()
    second, _ = start(cache_file, model)
    vectors = second.encode_documents([TEXTS[2], TEXTS[0], TEXTS[2], TEXTS[1]])

    assert model.documents == [TEXTS[2]]
    assert second.documents_encoded == 1
    expected = FakeEncoder().encode_documents([TEXTS[2], TEXTS[0], TEXTS[2], TEXTS[1]])
    np.testing.assert_array_equal(vectors, expected)


def test_vectors_are_kept_per_model_name(cache_file: Path) -> None:
    first, cache = start(cache_file, FakeEncoder(name="model-a"))
    first.encode_documents(TEXTS)

    other_model = FakeEncoder(name="model-b")
    other = CachedEncoder(encoder=other_model, cache=cache)
    other.encode_documents(TEXTS)

    assert other_model.documents == TEXTS
    assert cache.count(first.name) == 3
    assert cache.count(other.name) == 3
    assert cache.count() == 6


def test_queries_are_never_cached(cache_file: Path) -> None:
    model = FakeEncoder()
    encoder, cache = start(cache_file, model)

    encoder.encode_queries(["where is my parcel"])
    encoder.encode_queries(["where is my parcel"])

    assert model.queries == ["where is my parcel", "where is my parcel"]
    assert cache.count() == 0


def test_no_texts_give_an_empty_matrix_without_calling_the_model(cache_file: Path) -> None:
    model = FakeEncoder()
    encoder, _ = start(cache_file, model)

    vectors = encoder.encode_documents([])

    assert vectors.shape == (0, 256)
    assert model.documents_encoded == 0


def test_recent_queries_are_embedded_once_and_forgotten_beyond_the_window() -> None:
    from bot.faq.cache import RecentQueries

    model = FakeEncoder()
    recent = RecentQueries(encoder=model, size=2)
    first = recent.encode_queries(["where is my parcel"])
    again = recent.encode_queries(["where is my parcel", "refund please"])
    assert model.queries == ["where is my parcel", "refund please"]
    np.testing.assert_array_equal(first[0], again[0])
    recent.encode_queries(["third"])  # pushes "where is my parcel" out
    recent.encode_queries(["where is my parcel"])
    assert model.queries[-1] == "where is my parcel" and len(model.queries) == 4
    assert recent.encode_queries([]).shape == (0, 256)
    assert recent.name == model.name
