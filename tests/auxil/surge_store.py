"""Surge counts in a real database for tests: weeks of history written in one go."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from bot.crisis.windows import WindowCount
from bot.store.models import SurgeCountRow


def seed(sessions: sessionmaker[Session], records: Iterable[WindowCount]) -> int:
    """Store ``records`` (whole windows, e.g. :func:`tests.auxil.surges.history`) as if the
    action servers had counted them; how many rows were written."""
    rows = [
        {
            "topic": record.topic.key,
            "window_start": record.start,
            "messages": record.messages,
            "angry": record.angry,
            "channels": {"web": record.messages} if record.messages else {},
            "languages": {},
            "examples": [],
            "updated_at": record.start,
        }
        for record in records
        if record.messages
    ]
    with sessions.begin() as session:
        session.execute(insert(SurgeCountRow), rows)
    return len(rows)
