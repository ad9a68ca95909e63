"""Rasa's SQL tracker store, configured by one URL from Frontline's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from bot.settings import get_settings
from bot.store import action_results


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
