"""The ledger of turns (bot/store/turn_ledger.py) on SQLite and PostgreSQL: one claim
per message, a stored answer replayed, an abandoned claim taken over once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.store.db import create_database, session_factory
from bot.store.turn_ledger import Claim, TurnLedger

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
ANSWER = {"messages": [{"text": "Hi\x00!"}], "events": []}


def ledger(url: str) -> TurnLedger:
    """As each replica of the action server opens it."""
    return TurnLedger(
        sessions=session_factory(create_database(url)), stale_after=timedelta(seconds=40)
    )


def test_a_message_is_claimed_once_and_its_answer_replayed(database_url: str) -> None:
    one, two = ledger(database_url), ledger(database_url)

    assert one.claim("web-1", "m1", now=T0) == Claim(won=True)
    assert two.claim("web-1", "m1", now=T0) == Claim(won=False)  # still running
    assert two.claim("web-2", "m1", now=T0).won  # ids are per conversation
    one.complete("web-1", "m1", ANSWER)

    assert two.claim("web-1", "m1", now=T0) == Claim(won=False, response=ANSWER)


def test_an_abandoned_claim_is_taken_over_by_one_caller(database_url: str) -> None:
    one, two = ledger(database_url), ledger(database_url)
    one.claim("web-1", "m1", now=T0)
    later = T0 + timedelta(seconds=41)

    assert two.claim("web-1", "m1", now=later).won
    assert not one.claim("web-1", "m1", now=later).won


def test_a_released_claim_runs_afresh_and_old_turns_are_forgotten(database_url: str) -> None:
    store = ledger(database_url)
    store.claim("web-1", "m1", now=T0)
    store.release("web-1", "m1")
    assert store.claim("web-1", "m1", now=T0).won
    store.complete("web-1", "m1", ANSWER)
    store.release("web-1", "m1")  # a completed turn stays

    assert store.forget_before(T0 + timedelta(days=3)) == 1
    assert store.claim("web-1", "m1", now=T0).won
