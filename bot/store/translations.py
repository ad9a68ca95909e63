"""FAQ answers customers needed in a language they are not written in yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import MissingTranslation


@dataclass(frozen=True)
class TranslationGap:
    entry_id: str
    language: str
    times: int
    last_asked: datetime


class TranslationGaps:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, *, entry_id: str, language: str, channel: str) -> None:
        with self._sessions.begin() as session:
            session.add(MissingTranslation(entry_id=entry_id, language=language, channel=channel))

    def gaps(self, *, limit: int = 50) -> list[TranslationGap]:
        """The most needed missing translations, most needed first."""
        times = func.count(MissingTranslation.id)
        last = func.max(MissingTranslation.asked_at)
        query = (
            select(MissingTranslation.entry_id, MissingTranslation.language, times, last)
            .group_by(MissingTranslation.entry_id, MissingTranslation.language)
            .order_by(times.desc(), last.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [
                TranslationGap(entry_id=e, language=lang, times=int(n), last_asked=at)
                for e, lang, n, at in session.execute(query)
            ]
