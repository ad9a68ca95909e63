"""Human work created while the team is away, queued until opening time.

The handoff (agent relays) takes what is due from here when the team opens;
until then this is the hook it plugs into.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import QueuedHumanRequest


@dataclass(frozen=True)
class HumanRequest:
    id: int
    sender_id: str
    channel: str
    language: str
    reason: str
    queued_at: datetime
    due_at: datetime | None


class HumanQueue:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def enqueue(
        self,
        *,
        sender_id: str,
        channel: str,
        language: str,
        reason: str,
        due_at: datetime | None,
    ) -> None:
        """Queue one request; a conversation already waiting is not queued twice."""
        with self._sessions.begin() as session:
            waiting = session.execute(
                select(QueuedHumanRequest.id).where(
                    QueuedHumanRequest.sender_id == sender_id,
                    QueuedHumanRequest.delivered_at.is_(None),
                )
            ).first()
            if waiting is None:
                session.add(
                    QueuedHumanRequest(
                        sender_id=sender_id,
                        channel=channel,
                        language=language,
                        reason=reason,
                        due_at=due_at,
                    )
                )

    def waiting(self) -> list[HumanRequest]:
        """Every request not delivered to an agent yet, oldest first."""
        query = (
            select(QueuedHumanRequest)
            .where(QueuedHumanRequest.delivered_at.is_(None))
            .order_by(QueuedHumanRequest.queued_at)
        )
        with self._sessions() as session:
            return [
                HumanRequest(
                    id=row.id,
                    sender_id=row.sender_id,
                    channel=row.channel,
                    language=row.language,
                    reason=row.reason,
                    queued_at=row.queued_at,
                    due_at=row.due_at,
                )
                for row in session.execute(query).scalars()
            ]
