"""The inbox's analytics endpoints: the report's figures, and the conversations behind each.

``GET /agent/api/analytics?since=7d`` gives the figures of ``frontline report``;
``GET /agent/api/analytics/conversations?since=7d&outcome=handoff&channel=web...``
lists the conversation windows behind any of them (the drill-down). Records are
derived on demand and kept for a short while, so clicking through a chart does not
re-read the tracker store each time.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from bot.channels.agent.errors import InvalidRequest
from bot.insight.analytics import Analytics
from bot.insight.figures import FILTERS, matching
from bot.insight.outcomes import Outcome
from bot.insight.report_cli import span

#: At most this many conversations in one drill-down answer.
MAX_ROWS = 500

Source = Callable[[datetime, datetime], Analytics]


class AnalyticsApi:
    """Figures and drill-downs for a period, cached for ``keep_s`` seconds.

    Args:
        source: Derives the analytics of ``[since, until)``.
        clock: Now, timezone-aware.
        keep_s: How long one period's records are reused.
    """

    def __init__(
        self, *, source: Source, clock: Callable[[], datetime], keep_s: float = 30.0
    ) -> None:
        self._source = source
        self._clock = clock
        self._keep_s = keep_s
        self._cache: dict[timedelta, tuple[float, Analytics]] = {}

    def figures(self, query: Mapping[str, str]) -> dict[str, Any]:
        return self._analytics(query).figures

    def conversations(self, query: Mapping[str, str]) -> dict[str, Any]:
        filters = {k: v for k, v in query.items() if k != "since"}
        unknown = set(filters) - set(FILTERS)
        if unknown:
            raise InvalidRequest(
                f"unknown filter {', '.join(sorted(unknown))}; use {', '.join(FILTERS)}"
            )
        found = matching(self._analytics(query).outcomes, **filters)
        return {
            "total": len(found),
            "filters": filters,
            "conversations": [_row(o) for o in found[-MAX_ROWS:][::-1]],  # newest first
        }

    def _analytics(self, query: Mapping[str, str]) -> Analytics:
        try:
            period = span(query.get("since") or "7d")
        except argparse.ArgumentTypeError as error:
            raise InvalidRequest(str(error)) from error
        if period > timedelta(days=366):
            raise InvalidRequest("since: at most a year")
        kept = self._cache.get(period)
        if kept is not None and time.monotonic() - kept[0] < self._keep_s:
            return kept[1]
        until = self._clock()
        analytics = self._source(until - period, until)
        self._cache[period] = (time.monotonic(), analytics)
        return analytics


def _row(outcome: Outcome) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in fields(Outcome):
        value = getattr(outcome, field.name)
        row[field.name] = value.isoformat() if isinstance(value, datetime) else value
    return row
