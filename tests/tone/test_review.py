"""``frontline tone check`` findings on small crafted content, and on the shipped content."""

from __future__ import annotations

from pathlib import Path

from bot.faq.loader import load_knowledge_base
from bot.settings import PROJECT_ROOT, Settings
from bot.tone.catalog import load_catalog
from bot.tone.formality import register_of
from bot.tone.profiles import load_tone_book
from bot.tone.review import review
from tests.auxil.faq_files import faq_entry, faq_text

LANGUAGES = ["en", "es", "de", "fr", "pt", "ar"]
TONE = load_tone_book(PROJECT_ROOT / "tone.yml", languages=LANGUAGES)


def catalog(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    folder = tmp_path / "responses"
    folder.mkdir()
    for language in LANGUAGES:
        (folder / f"{language}.yml").write_text(files.get(language, "utter_ok: ok"), "utf-8")
    return load_catalog(folder)


def kb(tmp_path: Path, answer: dict[str, object]):  # type: ignore[no-untyped-def]
    folder = tmp_path / "faq"
    folder.mkdir()
    entry = faq_entry("shipping", question={"en": "Shipping?"}, answer=answer)
    (folder / "shipping.yml").write_text(faq_text([entry]), "utf-8")
    return load_knowledge_base(folder, default_language="en")


def problems(findings) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{f.severity} {f.entry} {f.language}: {f.problem}" for f in findings]


def test_mixed_formality_wrong_registers_and_missing_texts_are_errors(tmp_path: Path) -> None:
    texts = catalog(
        tmp_path,
        {
            "en": "utter_ok: ok\nutter_hi: 'Hi {greeting}'",
            "de": (
                "utter_ok: 'Können Sie dein Passwort ändern?'\n"
                "utter_hi:\n"
                "  formal: 'Hallo {greeting}, frag mich zu deinem Konto'\n"
                "  casual: 'Hallo {greeting}, fragen Sie mich'"
            ),
            "fr": "utter_ok: ok\nutter_hi: 'Salut {greting}'",
        },
    )
    found = problems(review(texts, kb(tmp_path, {"en": "Two days."}), TONE, default="en"))
    assert found.count("error utter_ok de: mixes informal and formal (dein, Sie)") == 1
    assert "error utter_hi de: the formal variant reads as casual" in found
    assert "error utter_hi de: the casual variant reads as formal" in found
    assert "error utter_hi fr: unknown placeholder {greting}" in found
    assert any(f.startswith("error utter_hi es: missing translation") for f in found)


def test_faq_answers_are_checked_against_every_profile(tmp_path: Path) -> None:
    texts = catalog(tmp_path, {})
    answers = {
        "en": "Two days!",
        "de": "Du kannst uns schreiben, dann helfen wir Ihnen.",  # du and Sie
        "es": "Escríbenos y te ayudamos, tú tranquilo. 🎉",
        "fr": "Livraison en deux jours, c'est du gâteau !",
        "pt": "Entrega em dois dias. " * 200,
        "ar": "الشحن {money 4,95 EUR} و {price}",
    }
    found = problems(review(texts, kb(tmp_path, answers), TONE, default="en"))
    assert any("entry 'shipping' de: mixes informal and formal" in f for f in found)
    assert any(
        "warning entry 'shipping' es: written casual, but 'slack' speaks formal" in f for f in found
    )
    assert any("es: emoji, which the 'slack' profile removes" in f for f in found)
    assert any("fr: 'c'est du gâteau' is an idiom or joke" in f for f in found)
    assert any("fr: '!', which the 'slack' profile turns into '.'" in f for f in found)
    assert any("pt: 4399 characters: over 4 messages on 'telegram'" in f for f in found)
    assert not any(
        " en: " in f and "idiom" in f for f in found
    )  # the source language is not flagged


def test_registers_are_told_apart() -> None:
    assert register_of("Klicken Sie auf Ihr Konto.", "de") == "formal"
    assert register_of("Klick auf dein Konto.", "de") == "casual"
    assert register_of("Sie ist im Urlaub.", "de") is None  # she, not you
    assert register_of("¿Puede usted escribirnos?", "es") == "formal"
    assert register_of("Vous pouvez modifier ton adresse.", "fr") == "mixed"
    assert register_of("Thanks for your order.", "en") is None


def test_the_shipped_content_has_no_errors() -> None:
    settings = Settings()
    findings = review(
        load_catalog(settings.responses_dir),
        load_knowledge_base(settings.faq_dir, default_language="en"),
        load_tone_book(settings.tone_file, languages=settings.languages),
        default="en",
    )
    assert [str(f) for f in findings if f.severity == "error"] == []
