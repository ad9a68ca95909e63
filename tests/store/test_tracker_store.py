"""The tracker store never pretends to have saved a conversation (issue 13).

Rasa's fail-safe wrapper used to keep a conversation in memory when the database
failed; customers were answered, and no replica ever saw those messages again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg2
import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.store import tracker_store
from bot.store.tracker_store import TrackerStoreUnavailable, UrlTrackerStore
from tests.auxil.postgres import SUPERUSER


@pytest.fixture
def installed() -> Iterator[None]:
    original = Agent.__dict__["_create_tracker_store"]
    tracker_store.install()
    yield
    Agent._create_tracker_store = original


def conversation(*texts: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker("customer-1", slots=[])
    for said in texts:
        tracker.update(UserUttered(said))
    return tracker


def said(store: UrlTrackerStore) -> list[str]:
    tracker = asyncio.run(store.retrieve("customer-1"))
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_save_the_database_refuses_fails_instead_of_living_in_memory(
    installed: None, database_url: str
) -> None:
    store = UrlTrackerStore(host=database_url)
    wrapped = Agent._create_tracker_store(store, Domain.empty())
    asyncio.run(wrapped.save(conversation("where is my order?")))
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE events"))  # the database cannot take it

    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(wrapped.save(conversation("where is my order?", "hello?")))
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(wrapped.retrieve("customer-1"))  # not a fresh, empty conversation
    assert wrapped._fallback_tracker_store is None  # nothing went to memory


@pytest.mark.postgres
def test_a_postgresql_restart_costs_no_conversation(fresh_postgres_url: str) -> None:
    store = UrlTrackerStore(host=fresh_postgres_url)
    asyncio.run(store.save(conversation("hi")))
    # What a restart does to the pool: every connection it holds is cut.
    database = fresh_postgres_url.rsplit("/", 1)[1]
    port = int(fresh_postgres_url.rsplit(":", 1)[1].split("/")[0])
    admin = psycopg2.connect(host="127.0.0.1", port=port, user=SUPERUSER, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )
    admin.close()

    asyncio.run(store.save(conversation("hi", "where is my order?")))

    assert said(store) == ["hi", "where is my order?"]
