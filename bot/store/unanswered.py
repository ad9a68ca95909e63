"""The log of questions the bot could not answer (``frontline faq gaps``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import UnansweredQuestion


@dataclass(frozen=True)
class Gap:
    """A question that was asked, with how often and the entries that came closest."""

    text: str
    language: str
    times: int
    last_asked: datetime
    candidates: list[dict[str, object]]


@dataclass(frozen=True)
class LoggedQuestion:
    """One logged question, as it was asked (``frontline faq suggest`` clusters these)."""

    text: str
    language: str
    channel: str
    conversation_id: str
    asked_at: datetime


class UnansweredLog:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(
        self,
        *,
        text: str,
        language: str,
        channel: str,
        conversation_id: str,
        candidates: list[dict[str, object]],
    ) -> None:
        with self._sessions.begin() as session:
            session.add(
                UnansweredQuestion(
                    text=text,
                    language=language,
                    channel=channel,
                    conversation_id=conversation_id,
                    candidates=candidates,
                )
            )

    def gaps(self, *, limit: int = 50) -> list[Gap]:
        """The most frequent unanswered questions, most asked first."""
        text = func.lower(func.trim(UnansweredQuestion.text))
        query = (
            select(
                text.label("text"),
                func.min(UnansweredQuestion.language),
                func.count(),
                func.max(UnansweredQuestion.asked_at),
                func.max(UnansweredQuestion.id),
            )
            .group_by(text)
            .order_by(func.count().desc(), func.max(UnansweredQuestion.asked_at).desc())
            .limit(limit)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
            latest = {
                row.id: row.candidates
                for row in session.execute(
                    select(UnansweredQuestion).where(
                        UnansweredQuestion.id.in_([r[4] for r in rows])
                    )
                ).scalars()
            }
        return [
            Gap(text=r[0], language=r[1], times=r[2], last_asked=r[3], candidates=latest[r[4]])
            for r in rows
        ]

    def since(self, when: datetime | None = None) -> list[LoggedQuestion]:
        """Every question logged at or after ``when`` (all if None), oldest first."""
        query = select(UnansweredQuestion).order_by(UnansweredQuestion.asked_at)
        if when is not None:
            query = query.where(UnansweredQuestion.asked_at >= when.astimezone(timezone.utc))
        with self._sessions() as session:
            rows = session.execute(query).scalars().all()
            return [
                LoggedQuestion(
                    text=row.text,
                    language=row.language,
                    channel=row.channel,
                    conversation_id=row.conversation_id,
                    # SQLite keeps no zone: the column is written in UTC.
                    asked_at=row.asked_at
                    if row.asked_at.tzinfo
                    else row.asked_at.replace(tzinfo=timezone.utc),
                )
                for row in rows
            ]
