"""Escalation in the conversation (actions/handoff.py): offers, handoffs with their context,
the pause surviving a new session, the bot coming back, and the rating."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import (
    ActionHandoffReturned,
    ActionRate,
    ActionRequestHuman,
    ActionSessionStart,
    ActionTriage,
)
from actions.services import Services
from bot.store.tickets import TicketMessage
from tests.actions.test_hours_actions import MONDAY_NOON, SUNDAY_NIGHT, services

PROFILE = {
    "platform": "telegram",
    "user_id": "4242",
    "display_name": "Ada Lovelace",
    "locale_hint": "en-GB",
    "timezone": "Europe/London",
}
T0 = datetime(2026, 11, 23, 10, 50, tzinfo=timezone.utc).timestamp()


def tracker(
    said: list[str],
    *,
    intent: str = "greet",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A Telegram conversation where the customer said ``said`` (the last is the latest)."""
    events: list[dict[str, Any]] = [{"event": "session_started", "timestamp": T0}]
    for i, text in enumerate(said):
        events.append(
            {
                "event": "user",
                "text": text,
                "timestamp": T0 + 60 * i,
                "metadata": PROFILE,
                "input_channel": "telegram",
            }
        )
        if i < len(said) - 1:
            events.append({"event": "bot", "text": f"answer {i}", "timestamp": T0 + 60 * i + 1})
    return Tracker.from_dict(
        {
            "sender_id": "telegram-4242",
            "slots": {"language": "en", **(slots or {})},
            "latest_message": {
                "text": said[-1],
                "intent": {"name": intent},
                "entities": entities or [],
                "metadata": PROFILE,
                "timestamp": T0 + 60 * (len(said) - 1),
            },
            "events": events,
            "latest_input_channel": "telegram",
        }
    )


def run(action: Action, track: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def turns_after(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    [slot] = [e for e in events if e.get("name") == "handoff_turns"]
    return list(slot["value"])


@pytest.fixture
def open_desk(tmp_path: Path) -> Services:
    return services(tmp_path, MONDAY_NOON)


def test_a_calm_message_passes_without_a_word(open_desk: Services) -> None:
    messages, events = run(ActionTriage(services=open_desk), tracker(["hello there"]))
    assert messages == []
    [record] = turns_after(events)
    assert record["text"] == "hello there" and record["anger"] < 0.5 and not record["offered"]
    assert not [e for e in events if e["event"] == "pause"]


def test_one_angry_message_gets_an_offer_of_a_person_not_a_handoff(open_desk: Services) -> None:
    messages, events = run(ActionTriage(services=open_desk), tracker(["This is unacceptable"]))
    [offer] = messages
    assert offer["response"] == "utter_handoff_offer"
    assert offer["buttons"] == [{"title": "Talk to a person", "payload": "/request_human"}]
    assert turns_after(events)[-1]["offered"] is True
    assert open_desk.tickets.active_for("telegram-4242") is None


def test_an_angry_question_leaves_the_offer_to_the_answer(open_desk: Services) -> None:
    messages, events = run(
        ActionTriage(services=open_desk), tracker(["This is unacceptable"], intent="faq")
    )
    assert messages == []  # the FAQ action answers, then offers (tests/actions/test_faq_action.py)
    assert turns_after(events)[-1]["offered"] is True


def test_sustained_anger_hands_off_with_the_whole_context(open_desk: Services) -> None:
    first = tracker(["This is unacceptable"])
    _, events = run(ActionTriage(services=open_desk), first)
    second = tracker(
        ["This is unacceptable", "where is my refund"],
        slots={"handoff_turns": turns_after(events)},
    )
    messages, events = run(ActionTriage(services=open_desk), second)

    assert [m["response"] for m in messages] == ["utter_handoff"]
    assert messages[0]["response_time"] == "30 minutes"
    assert {"event": "pause", "timestamp": None} in events
    ticket = open_desk.tickets.active_for("telegram-4242")
    assert ticket is not None and ticket.status == "open"
    assert (ticket.channel, ticket.language) == ("telegram", "en")
    [reason] = ticket.reasons
    assert reason["signal"] == "anger" and reason["message"] == 1
    assert reason["evidence"] == "anger in 2 of the last 2 messages"
    assert reason["quote"] == "where is my refund" and reason["score"] >= 0.5
    assert ticket.profile == PROFILE
    assert [(m.author, m.text) for m in ticket.transcript] == [
        ("customer", "This is unacceptable"),
        ("bot", "answer 0"),
        ("customer", "where is my refund"),
    ]
    assert ticket.transcript[0].name == "Ada Lovelace"
    assert ticket.transcript[0].at == datetime.fromtimestamp(T0, tz=timezone.utc)
    assert [point["message"] for point in ticket.sentiment] == [0, 1]
    assert all(point["anger"] >= 0.5 for point in ticket.sentiment)
    assert "unacceptable" in ticket.summary


def test_a_sensitive_topic_hands_off_at_once(open_desk: Services) -> None:
    messages, _ = run(
        ActionTriage(services=open_desk), tracker(["I will talk to my lawyer about this order"])
    )
    assert [m["response"] for m in messages] == ["utter_handoff"]
    ticket = open_desk.tickets.active_for("telegram-4242")
    assert ticket is not None
    assert ticket.reasons[0]["signal"] == "sensitive"
    assert ticket.reasons[0]["evidence"] == "legal: 'lawyer'"


def test_asking_for_a_person_while_closed_queues_without_pausing(tmp_path: Path) -> None:
    closed = services(tmp_path, SUNDAY_NIGHT)
    asked = tracker(["hi", "/request_human"], intent="request_human")
    messages, events = run(ActionRequestHuman(services=closed), asked)
    assert [m["response"] for m in messages] == ["utter_after_hours", "utter_human_queued"]
    assert not [e for e in events if e["event"] == "pause"]  # the bot keeps answering FAQs
    ticket = closed.tickets.active_for("telegram-4242")
    assert ticket is not None and ticket.status == "queued"
    assert ticket.due_at == datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    assert ticket.reasons[0]["signal"] == "request"
    # Asking again: the same ticket, no second notice.
    period = next(e["value"] for e in events if e.get("name") == "closed_notice")
    again = tracker(["hi", "/request_human", "/request_human"], intent="request_human")
    again.slots["closed_notice"] = period
    messages, _ = run(ActionRequestHuman(services=closed), again)
    assert [m["response"] for m in messages] == ["utter_human_queued"]
    assert [t.id for t in closed.tickets.listing()] == [ticket.id]


def test_a_new_session_keeps_a_handed_off_conversation_paused(open_desk: Services) -> None:
    start = ActionSessionStart(services=open_desk)
    domain = {"session_config": {"carry_over_slots_to_new_session": True}}
    track = tracker(["hi"], slots={"closed_notice": "p1"})

    def events() -> list[str]:
        dispatcher = CollectingDispatcher()
        return [e["event"] for e in asyncio.run(start.run(dispatcher, track, domain))]

    assert "pause" not in events()
    ticket = open_desk.tickets.open(
        sender_id="telegram-4242",
        channel="telegram",
        language="en",
        reasons=[],
        profile=PROFILE,
        transcript=[TicketMessage(at=MONDAY_NOON, author="customer", text="hi")],
    )
    assert events() == ["session_started", "slot", "slot", "pause", "action"]
    open_desk.tickets.resolve(ticket.id)
    assert "pause" not in events()


def test_back_from_a_person_the_bot_asks_for_a_rating_and_stores_it(open_desk: Services) -> None:
    ticket = open_desk.tickets.open(
        sender_id="telegram-4242", channel="telegram", language="en", reasons=[], profile={},
        transcript=[],
    )  # fmt: skip
    open_desk.tickets.resolve(ticket.id)
    messages, events = run(ActionHandoffReturned(services=open_desk), tracker(["hi"]))
    assert [m["response"] for m in messages] == ["utter_handoff_back", "utter_csat_ask"]
    assert messages[1]["buttons"][0]["payload"] == '/rate{"rating": "1"}'
    assert {"event": "slot", "timestamp": None, "name": "csat_ticket", "value": ticket.id} in events

    rated = tracker(["4 stars"], intent="rate", slots={"csat_ticket": ticket.id})
    messages, events = run(ActionRate(services=open_desk), rated)
    assert [m["response"] for m in messages] == ["utter_csat_thanks"]
    assert events == [{"event": "slot", "timestamp": None, "name": "csat_ticket", "value": None}]
    stored = open_desk.tickets.get(ticket.id)
    assert stored is not None and stored.csat == 4


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("", [{"entity": "rating", "value": "5"}], 5),
        ("3/5", [], 3),
        ("I'd give it a 2", [], 2),
        ("order 12345 never came", [], None),
        ("7", [], None),
    ],
)
def test_ratings_are_read_from_buttons_or_typed_alone(
    text: str, entities: list[dict[str, Any]], expected: int | None
) -> None:
    from actions.handoff import rating_of

    assert rating_of(tracker([text or "x"], entities=entities)) == expected
