"""The report's figures, from outcome records; every figure can name its conversations.

Pure. A figure is a count of outcome records, never of events, so a conversation
with fifty messages weighs what a conversation with one does (see
``docs/analytics.md``). :func:`matching` is the drill-down: the records behind any
figure, by the same filters the figures are grouped by.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.insight.outcomes import HANDOFF, OUTCOMES, REASONS, RESOLVED, Outcome

#: Drill-down filters: the query parameter, and how a record is read for it.
FILTERS = {
    "outcome": lambda o: [o.outcome],
    "channel": lambda o: [o.channel],
    "language": lambda o: [o.language],
    "reason": lambda o: [o.handoff_reason] if o.handoff_reason else [],
    "entry": lambda o: list(o.entries_answered),
    "day": lambda o: [o.window_start.date().isoformat()],
    "after_hours": lambda o: ["yes" if o.after_hours else "no"],
}


@dataclass(frozen=True)
class Entry:
    """A knowledge-base entry as the report needs it."""

    id: str
    question: str
    last_reviewed: date


def matching(outcomes: Iterable[Outcome], **filters: str) -> list[Outcome]:
    """The records behind a figure: ``matching(outcomes, channel="web", outcome="handoff")``."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    return [
        o
        for o in outcomes
        if all(value in FILTERS[name](o) for name, value in filters.items() if value)
    ]


def rates(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Counts and shares of each outcome; shares add up to 1 (one outcome per record)."""
    counts = Counter(o.outcome for o in outcomes)
    total = len(outcomes)
    return {
        "conversations": total,
        **{f"{name}_count": counts.get(name, 0) for name in OUTCOMES},
        **{f"{name}_rate": _share(counts.get(name, 0), total) for name in OUTCOMES},
    }


def headline(
    outcomes: Sequence[Outcome],
    *,
    entries: Sequence[Entry],
    today: date,
    stale_after: timedelta,
) -> dict[str, Any]:
    """Every figure of the report, as plain JSON-able data."""
    rated = [o.csat for o in outcomes if o.csat is not None]
    return {
        **rates(outcomes),
        "unique_customers": len({o.sender_id for o in outcomes}),
        "customer_messages": sum(o.customer_messages for o in outcomes),
        "reopened": sum(1 for o in outcomes if o.reopen_count),
        "after_hours_handoffs": sum(1 for o in outcomes if o.outcome == HANDOFF and o.after_hours),
        "csat_average": round(statistics.fmean(rated), 3) if rated else None,
        "csat_count": len(rated),
        "handoff_reasons": {
            reason: sum(1 for o in outcomes if o.handoff_reason == reason) for reason in REASONS
        },
        "by_channel": _grouped(outcomes, lambda o: o.channel),
        "by_language": _grouped(outcomes, lambda o: o.language),
        "by_day": _grouped(outcomes, lambda o: o.window_start.date().isoformat()),
        "human": _human(outcomes),
        "entries": _entries(outcomes, entries),
        "never_matched": sorted(
            e.id for e in entries if not any(e.id in o.entries_answered for o in outcomes)
        ),
        "stale": sorted(
            (
                {"id": e.id, "last_reviewed": e.last_reviewed.isoformat()}
                for e in entries
                if today - e.last_reviewed > stale_after
            ),
            key=lambda item: item["last_reviewed"],
        ),
    }


def _grouped(outcomes: Sequence[Outcome], key: Any) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[key(outcome) or "unknown"].append(outcome)
    return {name: rates(group) for name, group in sorted(groups.items())}


def _entries(outcomes: Sequence[Outcome], entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Each answered entry: how often, how often it resolved, its handoffs and ratings.

    An entry whose conversations mostly end with a person, or rate it 2 or lower, is
    flagged ``unhelpful``: the answer exists but does not help.
    """
    questions = {e.id: e.question for e in entries}
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        for entry in outcome.entries_answered:
            groups[entry].append(outcome)
    rows = []
    for entry, group in groups.items():
        rated = [o.csat for o in group if o.csat is not None]
        resolved = sum(1 for o in group if o.outcome == RESOLVED)
        handoffs = sum(1 for o in group if o.outcome == HANDOFF)
        csat = round(statistics.fmean(rated), 2) if rated else None
        rows.append(
            {
                "id": entry,
                "question": questions.get(entry, ""),
                "conversations": len(group),
                "resolution_rate": _share(resolved, len(group)),
                "handoffs": handoffs,
                "csat_average": csat,
                "unhelpful": len(group) >= 3
                and (handoffs / len(group) >= 0.5 or (csat is not None and csat <= 2)),
            }
        )
    return sorted(rows, key=lambda row: (-row["conversations"], row["id"]))


def _human(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name in ("first_response", "resolution"):
        for variant, suffix in (("", "_s"), ("business_", "_business_s")):
            values = [v for o in outcomes if (v := getattr(o, f"{name}{suffix}")) is not None]
            figures[f"{name}_{variant}median_s"] = _quantile(values, 0.5)
            figures[f"{name}_{variant}p90_s"] = _quantile(values, 0.9)
            figures[f"{name}_{variant}count"] = len(values)
    return figures


def _quantile(values: list[float], q: float) -> float | None:
    """Nearest-rank quantile: an observed value, so seeded figures reproduce exactly."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(q * 1000) * len(ordered) // 1000))  # ceil(q * n), in integers
    return ordered[rank - 1]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
