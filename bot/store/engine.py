"""Engines for Frontline's own database, with SQLite set up for two processes sharing a file.

Every value written loses its NUL characters, on every database alike: PostgreSQL
refuses them in text (SQLite keeps them), and a customer can type one on the web or
REST channel. Kept, it would fail each later handoff of that conversation, whose
transcript carries it. JSON columns are unaffected: JSON escapes NUL.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url


def connect(url: str) -> Engine:
    """An engine for ``url``; the database's tables are not touched.

    For SQLite the parent folder is created, and WAL mode lets the Rasa server
    and the action server share the file.
    """
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _without_nul(
    _connection: object,
    _cursor: object,
    statement: str,
    parameters: Any,
    _context: object,
    _executemany: bool,
) -> tuple[str, Any]:
    return statement, _drop_nul(parameters)


def _drop_nul(value: Any) -> Any:
    """``value`` (the driver's parameters: a dict, a sequence, or lists of them) without
    NUL characters in its strings."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, Mapping):
        return {key: _drop_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_drop_nul(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_drop_nul(item) for item in value)
    return value


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
