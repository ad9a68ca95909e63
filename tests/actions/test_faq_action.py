"""The FAQ and language actions (actions/faq.py, actions/language.py), driven like the
action server drives them: a real dispatcher, a real tracker, the real domain, and
services built from real parts over a small FAQ folder and the fake encoder."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.faq import ActionAnswerFaq
from actions.language import ActionResolveLanguage
from actions.services import Services
from bot.faq.matcher import Thresholds
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
from bot.handoff.context import TurnRecord
from bot.hours.config import load_hours
from bot.locale.detect import LanguageDetector
from bot.settings import PROJECT_ROOT, Settings
from bot.store.db import create_database, session_factory
from bot.store.models import UnansweredQuestion
from bot.store.translations import TranslationGaps
from bot.store.unanswered import UnansweredLog
from bot.tone.texts import bot_texts
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.faq_files import faq_entry, write_faq
from tests.auxil.handoff import handoff_services

RESET_DE = "Klicken Sie auf der Anmeldeseite auf Passwort vergessen."
ORDER_ADDRESS_DE = "Die Lieferadresse kann geändert werden, bis die Bestellung versandt ist."

ENTRIES = [
    faq_entry(
        "reset-password",
        question={"en": "How do I reset my password?", "de": "Wie setze ich mein Passwort zurück?"},
        answer={"en": "Click Forgot password on the sign-in page.", "de": RESET_DE},
        links=[
            {
                "url": "https://shop.example/account/password",
                "label": {"en": "Reset your password", "de": "Passwort zurücksetzen"},
            }
        ],
        buttons=[
            {
                "label": {"en": "Talk to a person", "de": "Mit einem Menschen sprechen"},
                "payload": "/request_human",
            }
        ],
    ),
    faq_entry(
        "change-address",
        question={
            "en": "How do I change my saved address?",
            "de": "Wie ändere ich meine gespeicherte Adresse?",
        },
        variants={"de": ["Adresse ändern im Konto"]},
        answer={
            "en": "Go to My account.",
            "de": {"formal": "Gehen Sie zu Mein Konto.", "casual": "Geh zu Mein Konto."},
        },
    ),
    faq_entry(
        "change-order-address",
        question={
            "en": "Can I change the delivery address of my order?",
            "de": "Kann ich die Lieferadresse meiner Bestellung ändern?",
        },
        variants={"de": ["Adresse ändern bei Bestellung"]},
        answer={"en": "Until the order ships.", "de": ORDER_ADDRESS_DE},
    ),
]


@dataclass
class Bot:
    services: Services
    domain: dict[str, Any]
    sessions: sessionmaker[Session]

    def run(
        self,
        action: Action,
        text: str,
        *,
        language: str | None = "de",
        intent: str = "faq",
        entities: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        channel: str = "rest",
        slots: dict[str, Any] | None = None,
    ) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
        tracker = Tracker.from_dict(
            {
                "sender_id": "conversation-7",
                "slots": {"language": language, **(slots or {})},
                "latest_message": {
                    "text": text,
                    "intent": {"name": intent, "confidence": 0.97},
                    "entities": entities or [],
                    "metadata": metadata or {},
                },
                "events": [{"event": "user", "text": text, "input_channel": channel}],
            }
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, self.domain))
        return dispatcher, events

    def faq(self, text: str, **kwargs: Any) -> dict[str, Any]:
        dispatcher, events = self.run(ActionAnswerFaq(services=self.services), text, **kwargs)
        assert [event["name"] for event in events] == ["handoff_turns"]  # no handoff
        (message,) = dispatcher.messages
        return message


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(languages=["en", "es", "de"])


@pytest.fixture(scope="module")
def domain() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def bot(tmp_path: Path, detector: LanguageDetector, domain: dict[str, Any]) -> Iterator[Bot]:
    folder = tmp_path / "faq"
    folder.mkdir()
    write_faq(folder / "faq.yml", ENTRIES)
    encoder = FakeEncoder()
    reloader = HotReloader(folder=folder, encoder=encoder, today=lambda: date(2024, 6, 1))
    reloader.check()
    assert len(reloader.index.kb) == 3
    sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
    settings = Settings(var_dir=tmp_path, default_language="en")
    services = Services(
        settings=settings,
        faq=FaqService(
            reloader=reloader,
            encoder=encoder,
            thresholds=Thresholds(answer=0.8, margin=0.1, clarify=0.4, max_choices=3),
        ),
        detector=detector,
        gaps=UnansweredLog(sessions=sessions),
        texts=bot_texts(settings),
        translations=TranslationGaps(sessions=sessions),
        hours=load_hours(settings.hours_file),
        **handoff_services(settings, sessions),
        clock=lambda: datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc),  # the team is in
    )
    yield Bot(services, domain, sessions)
    reloader.stop()


def test_a_clear_question_is_answered_in_the_conversations_language(bot: Bot) -> None:
    message = bot.faq("Wie setze ich mein Passwort zurück?")

    assert message["text"] == (
        f"{RESET_DE}\n\n[Passwort zurücksetzen](https://shop.example/account/password)"
    )
    assert message["buttons"] == [
        {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}
    ]
    assert message["response"] is None
    assert bot.services.gaps.gaps() == []


def test_a_missing_translation_comes_in_the_default_language_with_a_note_and_is_logged(
    bot: Bot,
) -> None:
    message = bot.faq("Wie setze ich mein Passwort zurück?", language="es")

    note, answer, link = message["text"].split("\n\n")
    assert (
        note == "Esta respuesta todavía no está disponible en español, así que aquí está en inglés:"
    )
    assert answer == "Click Forgot password on the sign-in page."
    assert link == "[Reset your password](https://shop.example/account/password)"
    [gap] = bot.services.translations.gaps()
    assert (gap.entry_id, gap.language, gap.times) == ("reset-password", "es", 1)


def test_the_answer_takes_the_register_and_length_of_the_channel(bot: Bot) -> None:
    def chosen(channel: str) -> list[dict[str, Any]]:
        dispatcher, _ = bot.run(
            ActionAnswerFaq(services=bot.services),
            '/faq_choose{"faq_id": "change-address"}',
            intent="faq_choose",
            entities=[{"entity": "faq_id", "value": "change-address"}],
            channel=channel,
        )
        return dispatcher.messages

    assert [m["text"] for m in chosen("telegram")] == ["Geh zu Mein Konto."]
    assert [m["text"] for m in chosen("slack")] == ["Gehen Sie zu Mein Konto."]
    assert [m["text"] for m in chosen("web")] == ["Gehen Sie zu Mein Konto."]


def test_a_chosen_entry_is_answered_by_its_id(bot: Bot) -> None:
    message = bot.faq(
        '/faq_choose{"faq_id": "change-order-address"}',
        intent="faq_choose",
        entities=[{"entity": "faq_id", "value": "change-order-address"}],
    )

    assert message["text"] == ORDER_ADDRESS_DE
    assert message["buttons"] == []


def test_a_chosen_entry_that_is_gone_says_so(bot: Bot) -> None:
    message = bot.faq(
        '/faq_choose{"faq_id": "old-entry"}',
        intent="faq_choose",
        entities=[{"entity": "faq_id", "value": "old-entry"}],
    )

    assert message["response"] == "utter_faq_gone"
    assert message["text"] is None


def test_an_ambiguous_question_offers_the_candidates_as_buttons(bot: Bot) -> None:
    message = bot.faq("Adresse ändern")

    assert message["response"] == "utter_faq_clarify"
    *choices, last = message["buttons"]
    assert sorted(choices, key=lambda button: button["payload"]) == [
        {
            "title": "Wie ändere ich meine gespeicherte Adresse?",
            "payload": '/faq_choose{"faq_id": "change-address"}',
        },
        {
            "title": "Kann ich die Lieferadresse meiner Bestellung ändern?",
            "payload": '/faq_choose{"faq_id": "change-order-address"}',
        },
    ]
    for choice in choices:  # each payload is the intent followed by JSON entities
        assert json.loads(choice["payload"].removeprefix("/faq_choose"))["faq_id"]
    assert last == {"title": "Nichts davon", "payload": "/request_human"}
    assert bot.services.gaps.gaps() == []


def test_a_question_without_an_answer_offers_a_person_and_is_logged(bot: Bot) -> None:
    message = bot.faq("Wann kommt der Weihnachtsmann?")

    assert message["response"] == "utter_faq_no_answer"
    assert message["buttons"] == [
        {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}
    ]
    (gap,) = bot.services.gaps.gaps()
    assert (gap.text, gap.language, gap.times) == ("wann kommt der weihnachtsmann?", "de", 1)
    assert sorted(candidate["id"] for candidate in gap.candidates) == sorted(
        entry["id"] for entry in ENTRIES
    )
    assert all(candidate["score"] < 0.4 for candidate in gap.candidates)
    with bot.sessions() as session:
        (row,) = session.scalars(select(UnansweredQuestion)).all()
    assert (row.text, row.channel, row.conversation_id) == (
        "Wann kommt der Weihnachtsmann?",
        "rest",
        "conversation-7",
    )


def test_the_no_answer_button_follows_the_language(bot: Bot) -> None:
    message = bot.faq("Wann kommt der Weihnachtsmann?", language="es")

    assert message["buttons"][0]["title"] == "Hablar con una persona"
    assert bot.services.gaps.gaps()[0].language == "es"


# --------------------------------------------------------------------------- escalation


def record(text: str, **changes: Any) -> dict[str, Any]:
    """A ``handoff_turns`` record as action_triage leaves it."""
    return TurnRecord(text=text, language="de", at=1.0).as_slot() | changes


def test_an_angry_question_gets_the_answer_and_then_an_offer_of_a_person(bot: Bot) -> None:
    text = "Wie setze ich mein Passwort zurück?"
    dispatcher, events = bot.run(
        ActionAnswerFaq(services=bot.services),
        text,
        slots={"handoff_turns": [record(text, anger=0.7, offered=True)]},
    )
    answer, offer = dispatcher.messages
    assert answer["text"].startswith(RESET_DE)
    assert offer["response"] == "utter_handoff_offer"
    talk = {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}
    assert offer["buttons"] == [talk]
    [turns] = [e["value"] for e in events if e.get("name") == "handoff_turns"]
    assert turns[-1]["helped"] is True and turns[-1]["faq"][0]["score"] > 0.8


def test_a_second_turn_without_help_hands_off_with_the_faq_entries_tried(bot: Bot) -> None:
    text = "Wann kommt der Weihnachtsmann?"
    before = [record("Wo ist der Osterhase?", helped=False), record(text)]
    dispatcher, events = bot.run(
        ActionAnswerFaq(services=bot.services), text, slots={"handoff_turns": before}
    )
    no_answer, handoff = dispatcher.messages
    assert no_answer["response"] == "utter_faq_no_answer" and no_answer["buttons"] == []
    assert handoff["response"] == "utter_handoff"
    assert {"event": "pause", "timestamp": None} in events
    ticket = bot.services.tickets.active_for("conversation-7")
    assert ticket is not None
    assert [(r["signal"], r["evidence"]) for r in ticket.reasons] == [
        ("failure", "2 turns in a row without help")
    ]
    assert ticket.faq_tried
    assert all({"id", "question", "score"} <= set(hit) for hit in ticket.faq_tried)


# --------------------------------------------------------------------------- language slot


def language_after(bot: Bot, text: str, previous: str | None, hint: str | None = None) -> str:
    """The ``language`` slot after the mapping action ran (``language_pinned`` stays off)."""
    dispatcher, events = bot.run(
        ActionResolveLanguage(services=bot.services),
        text,
        language=previous,
        metadata={"locale_hint": hint} if hint else None,
    )
    assert dispatcher.messages == []
    assert events[1] == SlotSet("language_pinned", False)
    return str(events[0]["value"])


def test_the_language_follows_a_spanish_message(bot: Bot) -> None:
    assert language_after(bot, "¿Cuánto tarda el envío a mi país?", "de") == "es"


def test_a_short_message_keeps_the_language(bot: Bot) -> None:
    assert language_after(bot, "ok", "es") == "es"


def test_a_button_payload_keeps_the_language(bot: Bot) -> None:
    payload = '/faq_choose{"faq_id": "change-order-address"}'

    assert language_after(bot, payload, "de") == "de"


def test_without_a_language_a_short_message_gets_the_default(bot: Bot) -> None:
    assert language_after(bot, "ok", None) == "en"


def test_a_first_message_that_says_nothing_follows_the_platforms_locale(bot: Bot) -> None:
    photo = "/unsupported_content"
    assert language_after(bot, photo, None, hint="de-DE") == "de"
    assert language_after(bot, photo, "es", hint="de-DE") == "es"
    assert language_after(bot, photo, None, hint="ja-JP") == "en"
