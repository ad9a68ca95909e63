"""Engines and sessions for Frontline's own database (SQLite by default, or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.store.engine import connect
from bot.store.migrate import upgrade_engine


def create_database(url: str) -> Engine:
    """Connect to ``url`` and bring its tables up to date (:mod:`bot.store.migrate`).

    For SQLite the parent folder is created, and WAL mode lets the Rasa server
    and the action server share the file.
    """
    engine = connect(url)
    upgrade_engine(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, future=True, expire_on_commit=False)
