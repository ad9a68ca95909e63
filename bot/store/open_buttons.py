"""Messages whose buttons still work, per conversation: when a person takes over, the
channel closes them (a click would reach nobody while the bot is paused)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import OpenButtons

KEEP = 20  # the most recent messages with buttons kept per conversation


class ButtonMessages:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def remember(self, sender_id: str, *, channel: str, ref: dict[str, Any]) -> None:
        """A message with buttons was sent; ``ref`` is how the platform finds it again."""
        with self._sessions.begin() as session:
            session.add(OpenButtons(sender_id=sender_id, channel=channel, ref=ref))
            old = (
                select(OpenButtons.id)
                .where(OpenButtons.sender_id == sender_id)
                .order_by(OpenButtons.id.desc())
                .offset(KEEP)
            )
            stale = delete(OpenButtons).where(OpenButtons.id.in_(old))
            session.execute(stale.execution_options(synchronize_session=False))

    def take(self, sender_id: str, *, channel: str) -> list[dict[str, Any]]:
        """The conversation's open messages on ``channel``, forgotten as they are taken."""
        query = select(OpenButtons).where(
            OpenButtons.sender_id == sender_id, OpenButtons.channel == channel
        )
        with self._sessions.begin() as session:
            rows = list(session.scalars(query))
            for row in rows:
                session.delete(row)
            return [dict(row.ref) for row in rows]
