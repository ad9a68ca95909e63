"""Choosing the conversation's language (bot/locale/resolve.py), with the real detector."""

from __future__ import annotations

import pytest

from bot.locale.detect import LanguageDetector
from bot.locale.resolve import LanguageChoice, choose_language, is_clear, supported_language

LANGUAGES = ["en", "es", "de", "fr", "pt", "ar"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(languages=LANGUAGES)


class Conversation:
    """Messages in order, each with the platform's hint, as the slot mapping sees them."""

    def __init__(self, detector: LanguageDetector, hint: str | None = None) -> None:
        self.detector = detector
        self.hint = hint
        self.choice: LanguageChoice | None = None

    def say(self, text: str, *, explicit: str | None = None) -> str:
        detected = None if text.startswith("/") else self.detector.detect(text)
        self.choice = choose_language(
            default="en",
            previous=self.choice.language if self.choice else None,
            pinned=self.choice.pinned if self.choice else False,
            explicit=explicit,
            hint=supported_language(self.hint, supported=LANGUAGES),
            detected=detected,
            clear=is_clear(text, detected),
        )
        return self.choice.language


@pytest.mark.parametrize("short", ["ok", "👍", "#100234", "thx", "ja", "no", "😀😀", "1234-5678"])
def test_a_short_message_never_flips_the_language(detector: LanguageDetector, short: str) -> None:
    chat = Conversation(detector)
    assert chat.say("¿Cuánto tarda el envío a Canarias?") == "es"
    assert chat.say(short) == "es"


def test_emoji_only_and_numbers_first_fall_back_to_the_hint_then_the_default(
    detector: LanguageDetector,
) -> None:
    assert Conversation(detector, hint="pt-BR").say("👍👍") == "pt"
    assert Conversation(detector).say("12345") == "en"


def test_a_clear_switch_is_followed(detector: LanguageDetector) -> None:
    chat = Conversation(detector)
    assert chat.say("Wie lange dauert der Versand nach Österreich?") == "de"
    assert chat.say("Actually, can you tell me how long a refund takes?") == "en"
    assert chat.say("Et pour un retour, combien de temps faut-il compter ?") == "fr"


def test_a_mixed_message_keeps_the_language_unless_it_is_clearly_another(
    detector: LanguageDetector,
) -> None:
    chat = Conversation(detector)
    assert chat.say("Ich möchte meine Bestellung stornieren, bitte helfen Sie mir") == "de"
    assert chat.say("Tracking number okay?") == "de"  # too short to be a clear switch
    assert chat.say("Mein Paket ist nicht angekommen, the tracking says delivered") == "de"


def test_the_platform_hint_beats_a_weak_detection_but_not_a_clear_sentence(
    detector: LanguageDetector,
) -> None:
    assert Conversation(detector, hint="de-DE").say("hola") == "de"
    assert Conversation(detector, hint="en-US").say("¿Dónde está mi pedido?") == "es"
    assert Conversation(detector, hint="fr").say("ok") == "fr"
    assert Conversation(detector, hint="ja-JP").say("ok") == "en"  # unsupported hint


def test_an_explicit_choice_wins_and_holds(detector: LanguageDetector) -> None:
    chat = Conversation(detector, hint="en")
    assert chat.say("can we speak Spanish?", explicit="es") == "es"
    assert chat.say("How long does delivery to Berlin take?") == "es"
    assert chat.choice is not None and chat.choice.pinned
    assert chat.say("/choose_language", explicit="de") == "de"


def test_arabic_is_detected_and_followed(detector: LanguageDetector) -> None:
    chat = Conversation(detector)
    assert chat.say("Where is my order?") == "en"
    assert chat.say("أين طلبي؟ لم يصل بعد") == "ar"


def test_locale_hints_map_to_supported_languages() -> None:
    assert supported_language("de-AT", supported=LANGUAGES) == "de"
    assert supported_language("pt_BR", supported=LANGUAGES) == "pt"
    assert supported_language("ja", supported=LANGUAGES) is None
    assert supported_language(None, supported=LANGUAGES) is None
