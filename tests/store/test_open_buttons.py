"""Messages whose buttons still work (bot/store/open_buttons.py), on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.store.db import create_database, session_factory
from bot.store.open_buttons import KEEP, ButtonMessages


def store(tmp_path: Path) -> ButtonMessages:
    return ButtonMessages(
        sessions=session_factory(create_database(f"sqlite:///{tmp_path / 'f.db'}"))
    )


def test_taken_once_per_conversation_and_channel(tmp_path: Path) -> None:
    buttons = store(tmp_path)
    buttons.remember("telegram-1", channel="telegram", ref={"chat_id": 1, "message_id": 10})
    buttons.remember("telegram-1", channel="telegram", ref={"chat_id": 1, "message_id": 11})
    buttons.remember("telegram-2", channel="telegram", ref={"chat_id": 2, "message_id": 12})
    taken = buttons.take("telegram-1", channel="telegram")
    assert [ref["message_id"] for ref in taken] == [10, 11]
    assert buttons.take("telegram-1", channel="telegram") == []
    assert [r["message_id"] for r in buttons.take("telegram-2", channel="telegram")] == [12]


def test_only_the_most_recent_are_kept(tmp_path: Path) -> None:
    buttons = store(tmp_path)
    for number in range(KEEP + 5):
        buttons.remember("slack-1", channel="slack", ref={"ts": str(number)})
    kept = [ref["ts"] for ref in buttons.take("slack-1", channel="slack")]
    assert kept == [str(number) for number in range(5, KEEP + 5)]
