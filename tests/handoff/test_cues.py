"""Textual cues of anger, without any model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.handoff.cues import (
    ProfanityList,
    ProfanityListInvalid,
    capitals_share,
    cues,
    load_profanity,
    punctuation_runs,
    repetition,
    shouting,
    unshouted,
)


@pytest.fixture(scope="module")
def profanity() -> ProfanityList:
    return load_profanity()


def test_shouting_is_a_high_share_of_capitals() -> None:
    assert capitals_share("WHERE IS MY REFUND") == 1.0
    assert capitals_share("Where is my refund") == pytest.approx(1 / 15)
    assert capitals_share("Straße ÄÖÜ") > 0.3  # letters beyond ASCII count too


def test_short_acronyms_are_not_shouting() -> None:
    assert capitals_share("OK") == 0.0
    assert capitals_share("DHL?") == 0.0
    assert capitals_share("مرحبا") == 0.0  # scripts without case never shout


def test_a_shouted_phrase_counts_as_shouting_even_in_a_calm_sentence() -> None:
    assert shouting("This is the third time I'm asking, WHERE IS MY REFUND?!") == 1.0
    assert shouting("I AM SO DONE") == 1.0
    assert shouting("My DHL parcel is late") == pytest.approx(1 / 3)
    assert shouting("Hello Bob, I am here") == 0.0


def test_the_model_reads_shouted_words_in_lower_case() -> None:
    assert unshouted("I'm asking, WHERE IS MY REFUND?! (DHL, Ärger)") == (
        "I'm asking, where is my refund?! (dhl, Ärger)"
    )
    assert unshouted("ÜBERALL Straße") == "überall Straße"


def test_runs_of_exclamation_and_question_marks_count_up_to_one() -> None:
    assert punctuation_runs("Where is it?") == 0.0
    assert punctuation_runs("Where is it?!") == pytest.approx(1 / 3)
    assert punctuation_runs("¡¡Nada!! ¿¿Por qué?? NO!!!") == 1.0
    assert punctuation_runs("!! !! !! !! !!") == 1.0


def test_profanity_matches_whole_words_in_every_listed_language(profanity: ProfanityList) -> None:
    assert set(profanity.words) >= {"en", "es", "de", "fr", "pt", "ar"}
    for text in (
        "this is bullshit",
        "Qué MIERDA de servicio",
        "So eine Frechheit",
        "c'est une arnaque",
        "que palhaçada",
        "انتم نصابين",
        "hijo de puta",
    ):
        assert profanity.found(text), text


def test_profanity_ignores_words_that_merely_contain_a_listed_one(
    profanity: ProfanityList,
) -> None:
    assert not profanity.found("Scunthorpe classic shipment")
    assert not profanity.found("Thanks, that helped!")
    assert not profanity.found("Quiero pagar con tarjeta")  # French "con" is Spanish "with"


def test_repetition_is_the_closest_earlier_message() -> None:
    history = ["Hello", "Where is my refund for order 123?"]
    assert repetition("where is my refund for order 123", history) == 1.0
    assert repetition("Where is my refund for order 123??", []) == 0.0
    assert repetition("Can I pay with PayPal?", history) < 0.6


def test_cues_bundle_every_signal(profanity: ProfanityList) -> None:
    found = cues("WHERE IS MY DAMN REFUND?!", profanity=profanity, history=["where is my refund"])
    assert found.capitals == 1.0
    assert found.punctuation == pytest.approx(1 / 3)
    assert found.profanity == 1.0
    assert found.repetition > 0.8
    assert found.shouting == 1.0
    assert found.features() == [1.0, found.punctuation, found.profanity]


def test_a_malformed_word_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "profanity.yml"
    path.write_text("en: shit\n", encoding="utf-8")
    with pytest.raises(ProfanityListInvalid, match="must map to a list"):
        load_profanity(path)
    path.write_text("en: [shit, '']\n", encoding="utf-8")
    with pytest.raises(ProfanityListInvalid, match="not words"):
        load_profanity(path)
