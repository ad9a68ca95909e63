"""Short stand-ins for button payloads that exceed a platform's size limit.

Telegram allows 64 bytes of ``callback_data``; a payload such as
``/faq_choose{"faq_id": "a-rather-long-entry-id"}`` can be longer. Long payloads
are stored under a hash token, so every replica can resolve a click.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import ButtonPayload

TOKEN_PREFIX = "#p:"


class PayloadStore:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def shorten(self, payload: str, *, limit_bytes: int) -> str:
        """``payload`` itself when it fits in ``limit_bytes``, else a stored token."""
        if len(payload.encode("utf-8")) <= limit_bytes and not payload.startswith(TOKEN_PREFIX):
            return payload
        token = TOKEN_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        with self._sessions.begin() as session:
            if session.get(ButtonPayload, token) is None:
                session.add(ButtonPayload(token=token, payload=payload))
        return token

    def resolve(self, data: str) -> str | None:
        """The payload behind ``data``; None for an unknown token."""
        if not data.startswith(TOKEN_PREFIX):
            return data
        with self._sessions() as session:
            row = session.get(ButtonPayload, data)
            return None if row is None else str(row.payload)
