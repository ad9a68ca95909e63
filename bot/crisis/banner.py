"""The widget's banner during an incident: the newest live statement, in a language.

Every open widget asks every minute; the live incidents are read at most every
``keep_s`` seconds per process.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.crisis.incident import Incident, text_in
from bot.store.incidents import Incidents


def banner_source(
    incidents: Incidents, *, keep_s: float = 15.0, clock: Callable[[], float] = time.monotonic
) -> Callable[[str], str | None]:
    """``language -> text``: the newest live incident's statement, or None."""
    cached: list[tuple[float, list[Incident]]] = []

    def banner(language: str) -> str | None:
        now = clock()
        if not cached or now - cached[0][0] > keep_s:
            cached[:] = [(now, incidents.live())]
        live = cached[0][1]
        if not live:
            return None
        newest = max(live, key=lambda incident: incident.approved_at or incident.created_at)
        return text_in(newest.statement, language, incidents.default_language) or None

    return banner
