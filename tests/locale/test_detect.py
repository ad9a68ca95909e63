"""Language detection (bot/locale/detect.py)."""

from __future__ import annotations

import pytest

from bot.locale.detect import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(languages=["en", "es", "de", "fr", "pt", "ar"])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How long does delivery take to my country?", "en"),
        ("I forgot my password and cannot sign in", "en"),
        ("¿Cuánto tarda el envío a mi país?", "es"),
        ("Quiero devolver unos zapatos que compré la semana pasada", "es"),
        ("Wie lange dauert der Versand in mein Land?", "de"),
        ("Ich habe mein Passwort vergessen und komme nicht mehr rein", "de"),
    ],
)
def test_a_sentence_is_detected_in_its_language(
    detector: LanguageDetector, text: str, language: str
) -> None:
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "👍", "12345", "", "  ", "#4711-22", "ok 👍👍"])
def test_short_or_letterless_messages_are_not_judged(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text) is None


def test_a_language_outside_the_supported_set_is_not_reported() -> None:
    english_or_german = LanguageDetector(languages=["en", "de"])

    assert english_or_german.detect("¿Cuánto tarda el envío a mi país?") != "es"


def test_a_single_supported_language_still_works() -> None:
    german_only = LanguageDetector(languages=["de"])

    assert german_only.detect("Wie lange dauert der Versand in mein Land?") == "de"
    assert german_only.detect("How long does delivery take to my country?") is None
