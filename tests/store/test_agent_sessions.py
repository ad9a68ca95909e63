"""Agents' inbox logins on a real SQLite file: tokens, expiry, logout, restarts."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.store.agent_sessions import AgentSessions
from bot.store.db import create_database, session_factory

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def sessions(path: Path) -> AgentSessions:
    """A fresh store on the file, as a restarted (or another) server would open it."""
    return AgentSessions(sessions=session_factory(create_database(f"sqlite:///{path}")))


def test_a_login_is_known_by_its_token_on_another_replica(tmp_path: Path) -> None:
    token = sessions(tmp_path / "f.db").start("ana", T0, 12)
    assert len(token) >= 40
    assert sessions(tmp_path / "f.db").agent_for(token, T0 + timedelta(hours=1)) == "ana"


def test_only_the_tokens_hash_is_stored(tmp_path: Path) -> None:
    token = sessions(tmp_path / "f.db").start("ana", T0, 12)
    with sqlite3.connect(tmp_path / "f.db") as db:
        rows = db.execute("SELECT token_hash, agent FROM agent_sessions").fetchall()
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "ana")]


def test_a_login_expires_after_its_hours(tmp_path: Path) -> None:
    store = sessions(tmp_path / "f.db")
    token = store.start("ana", T0, 2)
    assert store.agent_for(token, T0 + timedelta(hours=2) - timedelta(seconds=1)) == "ana"
    assert store.agent_for(token, T0 + timedelta(hours=2)) is None


def test_logout_ends_only_that_login(tmp_path: Path) -> None:
    store = sessions(tmp_path / "f.db")
    laptop, phone = store.start("ana", T0, 12), store.start("ana", T0, 12)
    store.end(laptop)
    assert store.agent_for(laptop, T0) is None
    assert store.agent_for(phone, T0) == "ana"


def test_unknown_or_absurd_tokens_are_nobody(tmp_path: Path) -> None:
    store = sessions(tmp_path / "f.db")
    store.start("ana", T0, 12)
    for token in ("", "forged", "x" * 10_000):
        assert store.agent_for(token, T0) is None
        store.end(token)  # harmless


def test_expired_logins_are_cleared_out_when_someone_logs_in(tmp_path: Path) -> None:
    store = sessions(tmp_path / "f.db")
    store.start("ana", T0, 1)
    store.start("bob", T0 + timedelta(hours=2), 1)
    with sqlite3.connect(tmp_path / "f.db") as db:
        agents = [row[0] for row in db.execute("SELECT agent FROM agent_sessions")]
    assert agents == ["bob"]
