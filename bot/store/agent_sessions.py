"""Agents' inbox logins, kept in the database so they survive restarts and work on every replica.

The browser holds a random token in a cookie; the table keeps only its SHA-256,
so a copy of the database lets nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import AgentSessionRow

_LONGEST_TOKEN = 256


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AgentSessions:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def start(self, agent: str, now: datetime, hours: float) -> str:
        """A new login for ``agent`` lasting ``hours``; returns the token for the cookie.

        Expired logins are cleared out on the way.
        """
        token = secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            session.execute(delete(AgentSessionRow).where(AgentSessionRow.expires_at <= now))
            session.add(
                AgentSessionRow(
                    token_hash=_digest(token),
                    agent=agent,
                    created_at=now,
                    expires_at=now + timedelta(hours=hours),
                )
            )
        return token

    def agent_for(self, token: str, now: datetime) -> str | None:
        """The agent logged in with ``token``, or None if it is unknown or expired."""
        if not token or len(token) > _LONGEST_TOKEN:
            return None
        with self._sessions() as session:
            row = session.get(AgentSessionRow, _digest(token))
            if row is None or row.expires_at <= now:
                return None
            return str(row.agent)

    def end(self, token: str) -> None:
        """Log out: the token no longer works anywhere."""
        if not token or len(token) > _LONGEST_TOKEN:
            return
        with self._sessions.begin() as session:
            session.execute(
                delete(AgentSessionRow).where(AgentSessionRow.token_hash == _digest(token))
            )
