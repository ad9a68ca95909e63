"""Where gap mining's questions come from (bot/insight/gap_sources.py): the unanswered
log, missing-knowledge tickets with agents' replies, names from profiles; a real SQLite
database, no mocks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.insight.gap_sources import failed_questions
from bot.insight.questions import Source
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.tickets import TicketMessage, Tickets
from bot.store.unanswered import UnansweredLog

FAILURE = {"signal": "failure", "message": 1, "evidence": "2 turns", "score": None}


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    return session_factory(create_database(f"sqlite:///{tmp_path / 'fl.db'}"))


def read(sessions: sessionmaker[Session], since: datetime | None = None):
    return failed_questions(
        log=UnansweredLog(sessions=sessions),
        tickets=Tickets(sessions=sessions),
        addresses=AddressBook(sessions=sessions),
        since=since,
    )


def log(sessions: sessionmaker[Session], text: str, conversation: str) -> None:
    UnansweredLog(sessions=sessions).record(
        text=text, language="en", channel="web", conversation_id=conversation, candidates=[]
    )


def test_logged_questions_come_with_their_profile_names(sessions) -> None:
    AddressBook(sessions=sessions).remember(
        "c1", channel="telegram", address={"chat_id": 1}, profile={"display_name": "Zoe Müller"}
    )
    log(sessions, "can I pay with a gift card", "c1")
    log(sessions, "do you ship to Iceland", "c2")

    found = {q.conversation_id: q for q in read(sessions)}

    assert found["c1"].names == ("Zoe Müller", "Zoe", "Müller")
    assert found["c1"].source is Source.NO_ANSWER and found["c1"].agent_replies == ()
    assert found["c2"].names == ()
    assert found["c1"].asked_at.tzinfo is not None


def test_a_missing_knowledge_ticket_marks_its_questions_and_brings_agents_replies(
    sessions,
) -> None:
    log(sessions, "can I pay with a gift card", "c1")
    tickets = Tickets(sessions=sessions)
    now = datetime.now(timezone.utc)
    ticket = tickets.open(
        sender_id="c1",
        channel="web",
        language="en",
        reasons=[{**FAILURE, "quote": "can I pay with a gift card"}],
        profile={"display_name": "Ana"},
        transcript=[TicketMessage(at=now, author="customer", text="can I pay with a gift card")],
    )
    tickets.add_message(ticket.id, TicketMessage(at=now, author="agent", text="Yes, at checkout."))
    tickets.add_message(ticket.id, TicketMessage(at=now, author="customer", text="thanks"))

    [question] = read(sessions)

    assert question.source is Source.MISSING_KNOWLEDGE
    assert question.agent_replies == ("Yes, at checkout.",)
    assert question.names == ("Ana",)


def test_a_ticket_without_a_logged_question_gives_its_quoted_message(sessions) -> None:
    Tickets(sessions=sessions).open(
        sender_id="c9",
        channel="slack",
        language="de",
        reasons=[{**FAILURE, "quote": "Kann ich mit Gutschein zahlen?"}],
        profile={},
        transcript=[],
    )
    Tickets(sessions=sessions).open(
        sender_id="c8",
        channel="slack",
        language="de",
        reasons=[{"signal": "anger", "message": 0, "evidence": "x", "score": 0.9, "quote": "!!"}],
        profile={},
        transcript=[],
    )

    [question] = read(sessions)

    assert (question.text, question.language, question.conversation_id) == (
        "Kann ich mit Gutschein zahlen?",
        "de",
        "c9",
    )
    assert question.source is Source.MISSING_KNOWLEDGE


def test_since_leaves_older_questions_out(sessions) -> None:
    log(sessions, "can I pay with a gift card", "c1")

    assert len(read(sessions, since=datetime.now(timezone.utc) - timedelta(hours=1))) == 1
    assert read(sessions, since=datetime.now(timezone.utc) + timedelta(hours=1)) == []
