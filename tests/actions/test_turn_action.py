"""``action_turn`` driven as the action server drives it: a real dispatcher, a real
tracker, tickets and the unanswered log on a real SQLite file, scripted engines."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.effects import TurnEffects
from actions.turn import ActionTurn
from bot.store.clicks import ClickLog
from bot.store.db import create_database, session_factory
from bot.store.models import TicketRow, UnansweredQuestion
from bot.store.tickets import Tickets
from bot.store.translations import TranslationGaps
from bot.store.turn_ledger import TurnLedger
from bot.store.unanswered import UnansweredLog
from tests.auxil.turns import OPEN, engines

ADDRESS = "I need to change the address"
FAQ = {ADDRESS: ("clarify", ["change-address", "change-order-address"])}


def tracker(text: str, *, intent: str = "nlu_fallback", slots: dict[str, Any] | None = None,
            events: list[dict[str, Any]] | None = None,
            confidence: float = 1.0) -> Tracker:  # fmt: skip
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "metadata": {"platform": "web", "user_id": "session-1", "locale_hint": "en"},
    }
    user = {"event": "user", "text": text, "timestamp": OPEN.timestamp(), **message}
    return Tracker(
        sender_id="web-1",
        slots=slots or {},
        latest_message=message,
        events=[*(events or []), user],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def action(tmp_path: Path) -> tuple[ActionTurn, Tickets, Any]:
    sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
    tickets = Tickets(sessions=sessions)
    effects = TurnEffects(
        tickets=tickets,
        gaps=UnansweredLog(sessions=sessions),
        translations=TranslationGaps(sessions=sessions),
        clicks=ClickLog(sessions=sessions),
    )
    turn = ActionTurn(engines=engines(FAQ), tickets=tickets, effects=effects, clock=lambda: OPEN)
    return turn, tickets, sessions


def run(turn: ActionTurn, state: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(turn.run(dispatcher, state, {}))
    return dispatcher.messages, events


def test_one_call_answers_records_its_kind_and_sets_only_changed_slots(tmp_path: Path) -> None:
    turn, _, _ = action(tmp_path)
    messages, events = run(turn, tracker(ADDRESS))
    [message] = messages
    assert message["kind"] == "clarify"
    assert [b["payload"] for b in message["buttons"]][-1] == "/faq_none"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["language"] == "en"
    assert slots["pending_choice"]["choices"] == ["change-address", "change-order-address"]
    assert "csat_ticket" not in slots  # unchanged slots are not written again


def test_a_miss_is_logged_for_editors(tmp_path: Path) -> None:
    turn, _, sessions = action(tmp_path)
    messages, _ = run(turn, tracker("is it raining in Paris"))
    assert [m["kind"] for m in messages] == ["no_answer"]
    with sessions() as session:
        logged = session.scalars(select(UnansweredQuestion.text)).all()
    assert logged == ["is it raining in Paris"]


def test_a_request_opens_a_ticket_pauses_and_closes_earlier_buttons(tmp_path: Path) -> None:
    turn, tickets, _ = action(tmp_path)
    none = {"title": "None of these", "payload": "/faq_none"}
    clarify = {
        "event": "bot",
        "text": "Which one?",
        "timestamp": OPEN.timestamp() - 5,
        "data": {"buttons": [none]},
    }
    messages, events = run(
        turn, tracker("I want a person", intent="request_human", events=[clarify])
    )
    assert messages[0]["custom"] == {"frontline": "disable_buttons"}
    assert [m.get("kind") for m in messages[1:]] == ["handoff"]
    assert events[-1]["event"] == "pause"
    ticket = tickets.active_for("web-1")
    assert ticket is not None and ticket.status == "open"
    assert [r["signal"] for r in ticket.reasons] == ["request"]
    assert [m.author for m in ticket.transcript] == ["bot", "customer"]


def test_rasas_confidence_reaches_the_turn_an_unsure_request_is_no_handoff(
    tmp_path: Path,
) -> None:
    turn, tickets, _ = action(tmp_path)
    messages, events = run(turn, tracker("I want a person", intent="request_human", confidence=0.9))
    assert "pause" not in [e["event"] for e in events]
    assert tickets.active_for("web-1") is None
    assert "handoff" not in [m.get("kind") for m in messages]


def test_a_click_on_a_clarification_is_kept_for_editors_redacted(tmp_path: Path) -> None:
    turn, _, sessions = action(tmp_path)
    pending = {"text": "I need to change the address, order 4711 0815", "language": "en",
               "choices": ["change-address", "change-order-address"]}  # fmt: skip
    click = tracker(
        '/faq_choose{"faq_id": "change-order-address"}',
        intent="faq_choose",
        slots={"pending_choice": pending, "handoff_turns": [{"text": "x", "language": "en"}]},
    )
    click.latest_message["entities"] = [{"entity": "faq_id", "value": "change-order-address"}]
    messages, _ = run(turn, click)
    assert messages[0]["entry"] == "change-order-address"
    [pair] = ClickLog(sessions=sessions).pairs()
    assert (pair.text, pair.entry_id) == ("I need to change the address, order <number>",
                                          "change-order-address")  # fmt: skip


def ledgered(tmp_path: Path, *, time_limit: float = 20.0) -> tuple[ActionTurn, Tickets, Any]:
    turn, tickets, sessions = action(tmp_path)
    turn._ledger = TurnLedger(sessions=sessions, stale_after=timedelta(seconds=40))
    turn._time_limit = time_limit
    return turn, tickets, sessions


def with_id(state: Tracker, message_id: str) -> Tracker:
    state.latest_message["message_id"] = message_id
    return state


def test_a_retried_call_gets_the_same_answer_and_the_ticket_is_opened_once(
    tmp_path: Path,
) -> None:
    turn, tickets, sessions = ledgered(tmp_path)
    first = run(turn, with_id(tracker("I want a person", intent="request_human"), "m-1"))
    again = run(turn, with_id(tracker("I want a person", intent="request_human"), "m-1"))

    assert again == first and [m.get("kind") for m in first[0]][-1] == "handoff"
    with sessions() as session:
        assert len(session.scalars(select(TicketRow)).all()) == 1
    assert tickets.active_for("web-1") is not None


def test_a_turn_past_its_time_limit_apologises_and_the_next_call_runs_it(
    tmp_path: Path,
) -> None:
    turn, _, sessions = ledgered(tmp_path, time_limit=0.2)
    engines = turn._engines
    slow_faq = engines.faq

    class Slow:
        def ask(self, text: str, *, language: str | None = None) -> Any:
            time.sleep(0.5)
            return slow_faq.ask(text)

        def entry(self, entry_id: str) -> Any:
            return slow_faq.entry(entry_id)

    turn._engines = replace(engines, faq=Slow())
    messages, events = run(turn, with_id(tracker("is it raining in Paris"), "m-2"))
    assert [m["kind"] for m in messages] == ["apology"] and events == []
    assert "Something went wrong" in messages[0]["text"]
    with sessions() as session:
        assert session.scalars(select(UnansweredQuestion)).all() == []  # nothing half-stored

    turn._engines, turn._time_limit = engines, 20.0
    messages, _ = run(turn, with_id(tracker("is it raining in Paris"), "m-2"))
    assert [m["kind"] for m in messages] == ["no_answer"]
