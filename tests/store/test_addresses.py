"""The address book and missing translations (bot/store/addresses.py, translations.py)
on SQLite and PostgreSQL."""

from __future__ import annotations

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
