"""Messages whose buttons still work (bot/store/open_buttons.py), on a real database
(SQLite and PostgreSQL)."""

from __future__ import annotations

from bot.store.db import create_database, session_factory
from bot.store.open_buttons import KEEP, ButtonMessages


def store(url: str) -> ButtonMessages:
    return ButtonMessages(sessions=session_factory(create_database(url)))


def test_taken_once_per_conversation_and_channel(database_url: str) -> None:
    buttons = store(database_url)
    buttons.remember("telegram-1", channel="telegram", ref={"chat_id": 1, "message_id": 10})
    buttons.remember("telegram-1", channel="telegram", ref={"chat_id": 1, "message_id": 11})
    buttons.remember("telegram-2", channel="telegram", ref={"chat_id": 2, "message_id": 12})
    taken = buttons.take("telegram-1", channel="telegram")
    assert [ref["message_id"] for ref in taken] == [10, 11]
    assert buttons.take("telegram-1", channel="telegram") == []
    assert [r["message_id"] for r in buttons.take("telegram-2", channel="telegram")] == [12]


def test_only_the_most_recent_are_kept(database_url: str) -> None:
    buttons = store(database_url)
    for number in range(KEEP + 5):
        buttons.remember("slack-1", channel="slack", ref={"ts": str(number)})
    kept = [ref["ts"] for ref in buttons.take("slack-1", channel="slack")]
    assert kept == [str(number) for number in range(5, KEEP + 5)]
