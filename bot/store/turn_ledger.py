"""Turns answered once per customer message, whatever the number of calls.

Rasa retries ``action_turn`` when the action server did not answer (a crash, a
timeout, a replica gone). The first call claims the message; the claim's holder stores
what it answered; a repeated call gets that answer without running the turn again, or
waits for a claim still running. A claim older than ``stale_after`` belonged to a
process that died mid-turn and is taken over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import TurnResult, utcnow

KEEP_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Claim:
    """``won``: this call runs the turn. Otherwise ``response`` is the stored answer, or
    None while another call is still running it."""

    won: bool
    response: dict[str, Any] | None = None


class TurnLedger:
    def __init__(self, *, sessions: sessionmaker[Session], stale_after: timedelta) -> None:
        self._sessions = sessions
        self._stale_after = stale_after

    def claim(self, sender_id: str, message_id: str, *, now: datetime | None = None) -> Claim:
        now = now or utcnow()
        try:
            with self._sessions.begin() as session:
                session.add(TurnResult(sender_id=sender_id, message_id=message_id, claimed_at=now))
            return Claim(won=True)
        except IntegrityError:
            pass
        with self._sessions.begin() as session:
            row = session.scalars(
                select(TurnResult).where(
                    TurnResult.sender_id == sender_id, TurnResult.message_id == message_id
                )
            ).one()
            if row.response is not None:
                return Claim(won=False, response=dict(row.response))
            # Take over a claim its holder abandoned; only one taker wins the update.
            taken = session.execute(
                update(TurnResult)
                .where(
                    TurnResult.id == row.id,
                    TurnResult.response.is_(None),
                    TurnResult.claimed_at < now - self._stale_after,
                )
                .values(claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            return Claim(won=taken.rowcount == 1)

    def complete(self, sender_id: str, message_id: str, response: dict[str, Any]) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(TurnResult)
                .where(TurnResult.sender_id == sender_id, TurnResult.message_id == message_id)
                .values(response=response)
                .execution_options(synchronize_session=False)
            )

    def release(self, sender_id: str, message_id: str) -> None:
        """Give up a claim (the turn failed): the next call runs it afresh."""
        with self._sessions.begin() as session:
            session.execute(
                delete(TurnResult).where(
                    TurnResult.sender_id == sender_id,
                    TurnResult.message_id == message_id,
                    TurnResult.response.is_(None),
                )
            )

    def forget_before(self, moment: datetime) -> int:
        with self._sessions.begin() as session:
            result = session.execute(delete(TurnResult).where(TurnResult.claimed_at < moment))
            return int(result.rowcount or 0)
