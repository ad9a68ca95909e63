"""Language detection (bot/locale/detect.py) and choosing the reply language (resolve.py)."""

from __future__ import annotations

import pytest

from bot.locale.detect import LanguageDetector
from bot.locale.resolve import resolve_language, supported_language


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(languages=["en", "es", "de"])


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
def test_short_or_letterless_messages_are_not_judged(
    detector: LanguageDetector, text: str
) -> None:
    assert detector.detect(text) is None


def test_a_language_outside_the_supported_set_is_not_reported() -> None:
    english_or_german = LanguageDetector(languages=["en", "de"])

    assert english_or_german.detect("¿Cuánto tarda el envío a mi país?") != "es"


def test_a_single_supported_language_still_works() -> None:
    german_only = LanguageDetector(languages=["de"])

    assert german_only.detect("Wie lange dauert der Versand in mein Land?") == "de"
    assert german_only.detect("How long does delivery take to my country?") is None


@pytest.mark.parametrize(
    ("detected", "previous", "chosen"),
    [
        pytest.param("es", "de", "es", id="a confident detection wins"),
        pytest.param(None, "de", "de", id="no detection keeps the conversation's language"),
        pytest.param(None, None, "en", id="nothing at all falls back to the default"),
        pytest.param("de", None, "de", id="first message"),
    ],
)
def test_resolve_language(detected: str | None, previous: str | None, chosen: str) -> None:
    assert resolve_language(detected=detected, previous=previous, default="en") == chosen


def test_ok_keeps_the_conversation_in_spanish(detector: LanguageDetector) -> None:
    language = resolve_language(
        detected=detector.detect("¿Puedo pagar con PayPal?"), previous=None, default="en"
    )
    language = resolve_language(detected=detector.detect("ok"), previous=language, default="en")

    assert language == "es"


def test_the_platform_hint_decides_only_when_the_message_and_the_conversation_do_not() -> None:
    assert resolve_language(detected=None, previous=None, default="en", hint="de") == "de"
    assert resolve_language(detected=None, previous="es", default="en", hint="de") == "es"
    assert resolve_language(detected="es", previous=None, default="en", hint="de") == "es"


def test_locale_hints_map_to_supported_languages() -> None:
    supported = ["en", "es", "de"]
    assert supported_language("de-AT", supported=supported) == "de"
    assert supported_language("es_MX", supported=supported) == "es"
    assert supported_language("ja", supported=supported) is None
    assert supported_language(None, supported=supported) is None
