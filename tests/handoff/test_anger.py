"""The anger signal: the head file, how cues and history combine, and the committed model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.faq.encoders import Encoder
from bot.handoff.anger import HEAD_FILE, AngerHead, AngerSignal
from bot.handoff.cues import load_profanity
from tests.auxil.anger_head import word_head
from tests.auxil.fake_encoder import FakeEncoder


@pytest.fixture
def signal() -> AngerSignal:
    return AngerSignal(head=word_head(), encoder=FakeEncoder(), profanity=load_profanity())


def test_a_head_survives_a_round_trip_through_its_file(tmp_path: Path) -> None:
    head = word_head(threshold=0.42)
    head.save(tmp_path / "head.npz")
    loaded = AngerHead.load(tmp_path / "head.npz")
    assert np.array_equal(loaded.weights, head.weights)
    assert (loaded.bias, loaded.threshold, loaded.encoder, loaded.repeat_weight) == (
        -2.0,
        pytest.approx(0.42),
        "fake",
        3.0,
    )


def test_calm_questions_are_not_angry(signal: AngerSignal) -> None:
    [score] = signal.score(["How do I change my delivery address?"])
    assert not score.angry
    assert score.probability < 0.2


def test_meaning_alone_can_make_a_message_angry(signal: AngerSignal) -> None:
    [score] = signal.score(["refund"])
    assert score.angry
    assert score.cues.capitals == 0.0


def test_cues_raise_the_probability(signal: AngerSignal) -> None:
    calm, loud, rude = signal.score(
        ["where is my parcel", "WHERE IS MY PARCEL?!?! HELLO??", "where is my damn parcel"]
    )
    assert calm.probability < rude.probability < loud.probability
    assert loud.angry and not calm.angry


def test_asking_again_raises_the_probability(signal: AngerSignal) -> None:
    text = "where is my parcel"
    [first] = signal.score([text])
    [again] = signal.score([text], history=["Hi", "Where is my parcel?"])
    [other] = signal.score([text], history=["Do you ship to Canada?"])
    assert again.probability > first.probability == other.probability
    assert again.angry


def test_a_configured_threshold_overrides_the_heads(signal: AngerSignal) -> None:
    strict = AngerSignal(
        head=signal.head, encoder=FakeEncoder(), profanity=load_profanity(), threshold=0.99
    )
    assert signal.score(["refund"])[0].angry
    assert not strict.score(["refund"])[0].angry


def test_nothing_to_score(signal: AngerSignal) -> None:
    assert signal.score([]) == []


@pytest.mark.slow
def test_the_committed_head_tells_clear_cases_apart(
    load_encoder: Callable[[str], Encoder],
) -> None:
    head = AngerHead.load(HEAD_FILE)
    signal = AngerSignal(head=head, encoder=load_encoder(head.encoder), profanity=load_profanity())
    angry = [
        "This is the third time I'm asking, WHERE IS MY REFUND?!",
        "Esto es una vergüenza, me cobraron dos veces y nadie responde",
        "Das ist eine Frechheit, ich warte seit Wochen auf mein Geld!",
    ]
    calm = ["Thanks, that helped!", "¿Aceptan pagos con tarjeta?", "Vielen Dank für die Hilfe"]
    scores = signal.score(angry + calm)
    assert [score.angry for score in scores] == [True] * 3 + [False] * 3


def test_saying_you_are_annoyed_is_enough_for_an_offer_however_calm_it_reads() -> None:
    from bot.handoff.cues import load_frustration

    calm = AngerSignal(
        head=word_head(),
        encoder=FakeEncoder(),
        profanity=load_profanity(),
        frustration=load_frustration(),
    )
    annoyed, plain, german = calm.score(
        [
            "I'm so annoyed my card was declined, how do I fix it?",
            "my card was declined, how do I fix it?",
            "Ich bin echt genervt, die Karte geht nicht",
        ]
    )
    assert (
        annoyed.angry
        and annoyed.probability == pytest.approx(0.5)
        and annoyed.cues.frustration == 1
    )
    assert not plain.angry and plain.cues.frustration == 0
    assert german.angry
