"""Rasa's SQL tracker store, configured by one URL from Frontline's settings.

It never pretends to have saved a conversation. Rasa wraps every tracker store in a
``FailSafeTrackerStore`` that, when the database is down, keeps the conversation in
the process's memory and answers as if all were well: during a PostgreSQL restart
customers got answers that no replica ever saw again. :func:`install` makes the
wrapper raise instead, so the message is refused (REST answers 503) and its resend
is taken once the database is back; a short retry first rides out a reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.settings import get_settings
from bot.store import action_results

log = logging.getLogger(__name__)

#: Pauses between attempts to save a conversation while the database reconnects.
SAVE_RETRY_PAUSES_S = (0.2, 0.5, 1.0)


class TrackerStoreUnavailable(RuntimeError):
    """The conversation could not be read or saved; the message must be sent again."""


def _refuse(error: Exception) -> None:
    raise TrackerStoreUnavailable(str(error)) from error


def install() -> None:
    """Make Rasa's fail-safe wrapper raise instead of falling back to memory."""
    from rasa.core.agent import Agent

    def create(store: TrackerStore | None, domain: Domain) -> TrackerStore:
        if store is None:
            raise TrackerStoreUnavailable("no tracker store is configured")
        store.domain = domain
        return FailSafeTrackerStore(store, on_tracker_store_error=_refuse)

    Agent._create_tracker_store = staticmethod(create)


class UrlTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose database is ``FRONTLINE_TRACKER_STORE_URL``.

    SQLite (the default, under ``var/``) for one machine; PostgreSQL when
    several Rasa replicas share conversations. A ``url:`` in endpoints.yml
    takes precedence over the setting.
    """

    def __init__(self, domain: Any = None, host: str | None = None, **kwargs: Any) -> None:
        # The Rasa server builds its tracker store once, at start-up: the moment to fix
        # its per-call schema check (bot/store/action_results.py).
        action_results.install()
        # Rasa passes the endpoint's ``url:`` as ``host``.
        target = host or get_settings().tracker_store_url_or_default
        parsed = make_url(target)
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        for key in ("dialect", "db", "username", "password", "port"):
            kwargs.pop(key, None)
        super().__init__(domain=domain, dialect=parsed.get_backend_name(), host=target, **kwargs)
        # Pooled connections die with a restarted PostgreSQL: test each before use.
        first: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = first.url
        first.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        for pause in (*SAVE_RETRY_PAUSES_S, None):
            try:
                await super().save(tracker)
                return
            except DBAPIError as error:
                if pause is None:
                    raise
                log.warning("saving conversation failed, retrying in %.1f s: %s", pause, error)
                await asyncio.sleep(pause)
