"""The address book and missing translations (bot/store/addresses.py, translations.py)
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.store.addresses import Address, AddressBook
from bot.store.db import create_database, session_factory
from bot.store.translations import TranslationGaps


def test_the_latest_address_of_a_conversation_is_kept(database_url: str) -> None:
    book = AddressBook(sessions=session_factory(create_database(database_url)))
    book.remember("telegram-1", channel="telegram", address={"chat_id": 1}, profile={})
    book.remember("telegram-1", channel="telegram", address={"chat_id": 2}, profile={"n": "Ana"})

    assert book.lookup("telegram-1") == Address(
        "telegram-1", "telegram", {"chat_id": 2}, {"n": "Ana"}
    )
    assert book.lookup("telegram-2") is None


def test_missing_translations_most_needed_first(database_url: str) -> None:
    gaps = TranslationGaps(sessions=session_factory(create_database(database_url)))
    for entry, language in [("returns", "pt"), ("shipping", "ar"), ("returns", "pt")]:
        gaps.record(entry_id=entry, language=language, channel="web")

    found = [(gap.entry_id, gap.language, gap.times) for gap in gaps.gaps()]

    assert found == [("returns", "pt", 2), ("shipping", "ar", 1)]
    assert len(gaps.gaps(limit=1)) == 1


def test_two_replicas_storing_a_new_conversation_at_once_both_succeed(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = session_factory(create_database(database_url))
    other, this = AddressBook(sessions=sessions), AddressBook(sessions=sessions)
    other.remember("rest-ana", channel="rest", address={}, profile={"n": "first"})
    # This replica read before the other one's insert was committed.
    real_get, calls = Session.get, []

    def get(self: Session, *args: object, **kwargs: object) -> object:
        calls.append(args)
        return None if len(calls) == 1 else real_get(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Session, "get", get)

    this.remember("rest-ana", channel="rest", address={}, profile={"n": "second"})

    assert len(calls) == 2  # the insert lost, and the row was updated
    assert this.lookup("rest-ana") == Address("rest-ana", "rest", {}, {"n": "second"})
