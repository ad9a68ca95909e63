"""Handoff tickets on a real database (SQLite and PostgreSQL): the context package, states
and restarts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.store.db import create_database, session_factory
from bot.store.tickets import Ticket, TicketError, TicketMessage, Tickets

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def tickets(url: str) -> Tickets:
    """A fresh repository on the database, as a restarted server would open it."""
    return Tickets(sessions=session_factory(create_database(url)))


def open_ticket(store: Tickets, **changes: object) -> Ticket:
    fields: dict[str, object] = {
        "sender_id": "telegram-42",
        "channel": "telegram",
        "language": "de",
        "reasons": [{"signal": "anger", "message": 1, "evidence": "strong anger", "score": 0.93}],
        "profile": {"display_name": "Ana", "user_id": "42", "locale_hint": "de", "timezone": None},
        "transcript": [
            TicketMessage(T0, "customer", "Wo ist mein Paket?"),
            TicketMessage(T0 + timedelta(seconds=2), "bot", "Sobald Ihre Bestellung ..."),
            TicketMessage(T0 + timedelta(seconds=30), "customer", "DAS IST LÄCHERLICH!!!"),
        ],
        "sentiment": [{"message": 0, "anger": 0.1}, {"message": 1, "anger": 0.93}],
        "faq_tried": [{"id": "track-order", "score": 0.91}],
        "summary": "Wo ist mein Paket? … DAS IST LÄCHERLICH!!!",
        **changes,
    }
    return store.open(**fields)  # type: ignore[arg-type]


def test_the_context_package_survives_a_restart(database_url: str) -> None:
    ticket = open_ticket(tickets(database_url))
    again = tickets(database_url).get(ticket.id)
    assert again is not None and again.status == "open"
    assert [(m.author, m.text) for m in again.transcript] == [
        ("customer", "Wo ist mein Paket?"),
        ("bot", "Sobald Ihre Bestellung ..."),
        ("customer", "DAS IST LÄCHERLICH!!!"),
    ]
    assert again.transcript[0].at == T0
    assert again.reasons[0]["evidence"] == "strong anger"
    assert again.faq_tried == [{"id": "track-order", "score": 0.91}]
    assert again.profile["display_name"] == "Ana" and again.language == "de"


def test_a_conversation_is_never_handed_off_twice(database_url: str) -> None:
    store = tickets(database_url)
    first = open_ticket(store)
    second = open_ticket(store, reasons=[{"signal": "request", "message": 3, "evidence": "asked"}])
    assert second.id == first.id
    assert [r["signal"] for r in second.reasons] == ["anger", "request"]
    assert [t.id for t in store.listing()] == [first.id]


def test_agent_turns_claim_resolve_and_rate(database_url: str) -> None:
    store = tickets(database_url)
    ticket = open_ticket(store)
    store.claim(ticket.id, "Mia")
    store.add_message(ticket.id, TicketMessage(T0 + timedelta(minutes=5), "agent", "Hallo!", "Mia"))
    with pytest.raises(TicketError):
        store.rate(ticket.id, 5)  # not closed yet
    store.resolve(ticket.id)
    closed = store.get(ticket.id)
    assert closed is not None and (closed.status, closed.claimed_by) == ("resolved", "Mia")
    assert closed.transcript[-1] == TicketMessage(
        T0 + timedelta(minutes=5), "agent", "Hallo!", "Mia"
    )
    store.rate(ticket.id, 4)
    assert store.get(ticket.id).csat == 4  # type: ignore[union-attr]
    with pytest.raises(TicketError):
        store.rate(ticket.id, 9)
    with pytest.raises(TicketError):
        store.claim(ticket.id, "Lea")  # closed
    assert store.active_for("telegram-42") is None
    assert open_ticket(store).id != ticket.id  # a new handoff later is a new ticket


def test_after_hours_tickets_wait_until_they_are_due(database_url: str) -> None:
    store = tickets(database_url)
    ticket = open_ticket(store, due_at=T0 + timedelta(hours=12))
    assert ticket.status == "queued"
    assert store.due(T0) == []
    [due] = store.due(T0 + timedelta(hours=12))
    assert due.id == ticket.id
    store.announce(ticket.id)
    assert store.get(ticket.id).status == "open"  # type: ignore[union-attr]
    store.resolve(ticket.id, returned_to_bot=True)
    assert store.get(ticket.id).status == "returned"  # type: ignore[union-attr]


def test_unknown_tickets_and_authors_are_refused(database_url: str) -> None:
    store = tickets(database_url)
    with pytest.raises(TicketError):
        store.add_message("nope", TicketMessage(T0, "customer", "hi"))
    ticket = open_ticket(store)
    with pytest.raises(TicketError):
        store.add_message(ticket.id, TicketMessage(T0, "robot", "hi"))
