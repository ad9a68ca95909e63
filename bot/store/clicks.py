"""What customers picked when the bot asked which entry they meant: the pairs behind
``frontline faq learn``. Texts are stored redacted; customers only as hashes."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import ClickPair


def text_key(text: str) -> str:
    """Texts that differ only in case, accents, spacing or punctuation group together."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())[:255]


@dataclass(frozen=True)
class LearnedPair:
    """One group of identical choices.

    Attributes:
        id: The group's id for ``--accept`` (its first click's id).
        text: What customers wrote (redacted), as first written.
        language: Its language.
        entry_id: The entry they chose.
        customers: How many different conversations chose it.
        times: How many times in all.
    """

    id: int
    text: str
    language: str
    entry_id: str
    customers: int
    times: int


class ClickLog:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, *, text: str, language: str, entry_id: str, conversation_id: str) -> int:
        """Store one choice; returns how many different customers made it so far."""
        key = text_key(text)
        who = hashlib.sha256(conversation_id.encode()).hexdigest()[:32]
        with self._sessions.begin() as session:
            session.add(
                ClickPair(
                    text=text, text_key=key, language=language, entry_id=entry_id, conversation=who
                )
            )
            session.flush()
            query = select(func.count(func.distinct(ClickPair.conversation))).where(
                ClickPair.text_key == key, ClickPair.entry_id == entry_id
            )
            return int(session.scalar(query) or 0)

    def pairs(self, *, status: str = "new") -> list[LearnedPair]:
        """Groups of identical choices in ``status``, most customers first."""
        query = (
            select(
                func.min(ClickPair.id),
                ClickPair.text_key,
                ClickPair.entry_id,
                func.count(func.distinct(ClickPair.conversation)),
                func.count(),
            )
            .where(ClickPair.status == status)
            .group_by(ClickPair.text_key, ClickPair.entry_id)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
            found = []
            for first, _key, entry_id, customers, times in rows:
                pair = session.get(ClickPair, first)
                assert pair is not None
                found.append(
                    LearnedPair(first, pair.text, pair.language, entry_id, customers, times)
                )
        return sorted(found, key=lambda p: (-p.customers, -p.times, p.id))

    def get(self, pair_id: int) -> LearnedPair | None:
        return next((p for p in self.pairs() if p.id == pair_id), None)

    def mark(self, pair_id: int, status: str) -> None:
        """Mark the whole group of ``pair_id`` (``accepted`` or ``dismissed``)."""
        with self._sessions.begin() as session:
            first = session.get(ClickPair, pair_id)
            if first is None:
                raise LookupError(f"no learned pair {pair_id}")
            session.execute(
                update(ClickPair)
                .where(
                    ClickPair.text_key == first.text_key,
                    ClickPair.entry_id == first.entry_id,
                    ClickPair.status == "new",
                )
                .values(status=status)
                .execution_options(synchronize_session=False)
            )
