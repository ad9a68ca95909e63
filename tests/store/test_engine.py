"""Engines for Frontline's database (bot/store/engine.py): SQLite's folder and WAL mode,
in-memory databases, and text without NUL characters on every database."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.store.db import create_database, session_factory
from bot.store.tickets import TicketMessage, Tickets
from bot.store.unanswered import UnansweredLog


def test_sqlite_gets_its_folder_and_shares_the_file_in_wal_mode(tmp_path: Path) -> None:
    engine = create_database(f"sqlite:///{tmp_path / 'var' / 'frontline.db'}")

    assert (tmp_path / "var" / "frontline.db").is_file()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_an_in_memory_database_is_migrated_behind_its_own_engine() -> None:
    log = UnansweredLog(sessions=session_factory(create_database("sqlite://")))

    log.record(
        text="Is this kept?", language="en", channel="web", conversation_id="c", candidates=[]
    )

    assert [gap.text for gap in log.gaps()] == ["is this kept?"]


def test_a_nul_typed_by_a_customer_is_dropped_not_refused(database_url: str) -> None:
    """PostgreSQL refuses NUL in text: kept, it would fail every later handoff."""
    sessions = session_factory(create_database(database_url))
    log, tickets = UnansweredLog(sessions=sessions), Tickets(sessions=sessions)
    typed = "Where\x00 is my parcel?"

    log.record(text=typed, language="en", channel="rest", conversation_id="c\x00", candidates=[])
    ticket = tickets.open(
        sender_id="rest-\x00",
        channel="rest",
        language="en",
        reasons=[{"evidence": typed}],
        profile={},
        transcript=[TicketMessage(datetime.now(timezone.utc), "customer", typed)],
        summary=typed,
    )

    assert [gap.text for gap in log.gaps()] == ["where is my parcel?"]
    again = tickets.get(ticket.id)
    assert again is not None and again.sender_id == "rest-"
    assert again.summary == again.transcript[0].text == "Where is my parcel?"
    assert again.reasons == [{"evidence": typed}]  # JSON escapes NUL: kept as written
