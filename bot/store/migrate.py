"""Frontline's tables, brought up to date by the Alembic migrations in ``migrations/``.

Every process that opens the database (the Rasa server, the action server, the
``frontline`` command) upgrades it first, so code never meets an older schema. Two
processes starting together are serialised: SQLite by a write lock taken before
the revision is read, PostgreSQL by an advisory lock. A database made before
migrations existed (by ``create_all``) is adopted: the first migration keeps the
tables it finds, with their rows, and creates only those missing.

Developers write a new migration with ``uv run alembic revision --autogenerate
--rev-id 0002 -m "what changes"`` (``[tool.alembic]`` in pyproject.toml); the bot
itself needs no Alembic config file.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from bot.store.engine import connect
from bot.store.models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number: processes upgrading one PostgreSQL database queue on it.
_PG_LOCK = 0x46726F6E746C  # "Frontl"

logger = logging.getLogger(__name__)
# Alembic's ``context`` and ``op`` are module-wide: one migration at a time per process.
_ONE_AT_A_TIME = threading.Lock()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for Frontline, built in code; ``connection`` is the one
    ``migrations/env.py`` migrates (without it, env.py opens the configured URL)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head() -> str:
    """The newest revision (read once per process)."""
    newest = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if newest is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return newest


def current(connection: Connection) -> str | None:
    """The database's revision; None before the first migration."""
    return MigrationContext.configure(connection).get_current_revision()


def revision(url: str) -> str | None:
    """The revision of the database at ``url``."""
    engine = connect(url)
    try:
        with engine.connect() as connection:
            return current(connection)
    finally:
        engine.dispose()


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest revision; does nothing if it is there."""
    engine = connect(url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine) -> None:
    """:func:`upgrade` through an engine the caller keeps (an in-memory SQLite database
    exists only behind its own engine)."""
    with engine.connect() as connection:
        if current(connection) == head():
            return
        connection.rollback()
        with _ONE_AT_A_TIME:
            _begin_alone(connection)
            before = current(connection)  # another process may have upgraded meanwhile
            if before != head():
                if before is None:
                    _note_adoption(connection)
                command.upgrade(alembic_config(connection), "head")
            connection.commit()


def _begin_alone(connection: Connection) -> None:
    """Begin the migrating transaction, once no other process is migrating."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        # The write lock now, not at the first write: two processes must not both
        # read "no revision" and both create the tables.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})


def _note_adoption(connection: Connection) -> None:
    existing = set(inspect(connection).get_table_names()) & set(Base.metadata.tables)
    if existing:
        logger.info(
            "Adopting a database made before migrations: keeping %s", ", ".join(sorted(existing))
        )
