"""Alembic's environment for Frontline's tables.

Run by :mod:`bot.store.migrate` with the connection it has locked, or by a
developer's ``alembic`` command (``[tool.alembic]`` in pyproject.toml) against
``FRONTLINE_DATABASE_URL`` or ``-x url=...``. SQLite gets batch mode, so a later
migration that alters a table works there too (SQLite copies the table instead).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.models import Base, UtcDateTime

config = context.config


def _render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Autogenerate writes the column type Frontline's own type stands for, so a
    migration never imports today's models."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options(dialect: str) -> dict[str, Any]:
    return {
        "target_metadata": Base.metadata,
        "render_as_batch": dialect == "sqlite",
        "render_item": _render_item,
        "compare_type": True,
    }


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    """``alembic -x url=...``, else Frontline's setting (``FRONTLINE_DATABASE_URL``)."""
    from bot.settings import Settings

    given = context.get_x_argument(as_dictionary=True).get("url")
    return given or Settings().database_url_or_default


if context.is_offline_mode():
    url = _url()
    context.configure(url=url, literal_binds=True, **_options(url.split(":")[0].split("+")[0]))
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    _migrate(shared)
else:
    from bot.store.engine import connect

    engine = connect(_url())
    with engine.connect() as connection:
        _migrate(connection)
        connection.commit()
    engine.dispose()
