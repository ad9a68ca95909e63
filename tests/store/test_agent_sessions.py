"""Agents' inbox logins on a real database (SQLite and PostgreSQL): tokens, expiry, logout,
restarts."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from bot.store.agent_sessions import AgentSessions
from bot.store.db import create_database, session_factory

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def sessions(url: str) -> AgentSessions:
    """A fresh store on the database, as a restarted (or another) server would open it."""
    return AgentSessions(sessions=session_factory(create_database(url)))


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    with create_database(url).connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def test_a_login_is_known_by_its_token_on_another_replica(database_url: str) -> None:
    token = sessions(database_url).start("ana", T0, 12)
    assert len(token) >= 40
    assert sessions(database_url).agent_for(token, T0 + timedelta(hours=1)) == "ana"


def test_only_the_tokens_hash_is_stored(database_url: str) -> None:
    token = sessions(database_url).start("ana", T0, 12)
    stored = rows(database_url, "SELECT token_hash, agent FROM agent_sessions")
    assert stored == [(hashlib.sha256(token.encode()).hexdigest(), "ana")]


def test_a_login_expires_after_its_hours(database_url: str) -> None:
    store = sessions(database_url)
    token = store.start("ana", T0, 2)
    assert store.agent_for(token, T0 + timedelta(hours=2) - timedelta(seconds=1)) == "ana"
    assert store.agent_for(token, T0 + timedelta(hours=2)) is None


def test_logout_ends_only_that_login(database_url: str) -> None:
    store = sessions(database_url)
    laptop, phone = store.start("ana", T0, 12), store.start("ana", T0, 12)
    store.end(laptop)
    assert store.agent_for(laptop, T0) is None
    assert store.agent_for(phone, T0) == "ana"


def test_unknown_or_absurd_tokens_are_nobody(database_url: str) -> None:
    store = sessions(database_url)
    store.start("ana", T0, 12)
    for token in ("", "forged", "x" * 10_000):
        assert store.agent_for(token, T0) is None
        store.end(token)  # harmless


def test_expired_logins_are_cleared_out_when_someone_logs_in(database_url: str) -> None:
    store = sessions(database_url)
    store.start("ana", T0, 1)
    store.start("bob", T0 + timedelta(hours=2), 1)
    assert rows(database_url, "SELECT agent FROM agent_sessions") == [("bob",)]
