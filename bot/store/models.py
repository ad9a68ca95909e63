"""Tables for Frontline's own data."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UnansweredQuestion(Base):  # type: ignore[misc,valid-type]
    """A question the knowledge base could not answer, for editors to review."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    asked_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    text = Column(Text, nullable=False)
    language = Column(String(16), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    candidates = Column(JSON, nullable=False, default=list)
