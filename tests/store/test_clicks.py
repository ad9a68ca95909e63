"""The click log (bot/store/clicks.py) on SQLite and PostgreSQL: customers counted once
per pair, groups by text key, marks that close a whole group."""

from __future__ import annotations

import pytest

from bot.store.clicks import ClickLog
from bot.store.db import create_database, session_factory


def test_pairs_count_customers_and_group_by_their_words(database_url: str) -> None:
    clicks = ClickLog(sessions=session_factory(create_database(database_url)))
    assert (
        clicks.record(text="New address?", language="en", entry_id="a", conversation_id="c1") == 1
    )
    assert clicks.record(text="new ADDRESS", language="en", entry_id="a", conversation_id="c2") == 2
    assert clicks.record(text="new address", language="en", entry_id="a", conversation_id="c2") == 2
    clicks.record(text="Refund?", language="en", entry_id="b", conversation_id="c1")

    first, second = clicks.pairs()

    assert (first.text, first.entry_id, first.customers, first.times) == ("New address?", "a", 2, 3)
    assert (second.text, second.customers) == ("Refund?", 1)
    clicks.mark(first.id, "accepted")
    assert [pair.entry_id for pair in clicks.pairs()] == ["b"]
    assert [pair.entry_id for pair in clicks.pairs(status="accepted")] == ["a"]
    with pytest.raises(LookupError):
        clicks.mark(10_000, "dismissed")
