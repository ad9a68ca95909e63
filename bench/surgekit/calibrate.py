"""Choosing the thresholds on the calibration traces (a different seed), never the reported one.

The detector: every ``z`` x ``min_count`` of the grid is replayed on the clean calibration
trace; those within the false-alarm budget are replayed on the calibration trace with
surges, and the one that detects the most surges of at least 5x (then the most surges,
then the shortest median delay) wins. The naive detector: the smallest fixed count within
the same budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bench.surgekit.surges import Surge
from bot.crisis.rules import SurgeRules
from bot.crisis.topics import Topic
from bot.eval.surge import WEEK, Fired, FixedThreshold, fired_of, incidents_of, replay, score
from bot.eval.surge_trace import TraceRow

Z_GRID = (3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
MIN_COUNT_GRID = (6, 8, 10, 12)
NAIVE_GRID = tuple(range(4, 201))
FALSE_ALARM_BUDGET = 0.5
"""False alarms per week allowed on the clean calibration trace: half the target, a margin
for a different seed."""


@dataclass(frozen=True)
class Trial:
    """One candidate's figures on the calibration traces."""

    z: float
    min_count: int
    false_alarms_per_week: float
    detected_5x: float | None = None
    detected: float | None = None
    median_delay_min: float | None = None


def choose_rules(
    base: SurgeRules,
    *,
    clean: Sequence[TraceRow],
    surged: Sequence[TraceRow],
    surges: Sequence[Surge],
    topics_of: Callable[[str], tuple[Topic, ...]],
    angry_of: Callable[[str], bool],
    log: Callable[[str], None] = print,
) -> tuple[SurgeRules, list[Trial]]:
    """The detector's rules chosen on the calibration traces, and every trial."""
    trials = []
    incidents = incidents_of(surged, topics_of)
    big = {s.id for s in surges if s.size >= 5}
    for z in Z_GRID:
        for least in MIN_COUNT_GRID:
            rules = replace(base, z=z, min_count=least)
            quiet = replay(clean, topics_of=topics_of, angry_of=angry_of, rules=rules)
            fa = _score(fired_of(quiet.alerts), [], quiet, rules)["false_alarms_per_week"]
            trial = Trial(z, least, fa)
            if fa <= FALSE_ALARM_BUDGET:
                loud = replay(surged, topics_of=topics_of, angry_of=angry_of, rules=rules)
                found = _score(fired_of(loud.alerts), incidents, loud, rules)
                trial = replace(
                    trial,
                    detected_5x=_rate(found, big),
                    detected=found["detection_rate"],
                    median_delay_min=found["median_delay_min"],
                )
            log(f"  calibration z={z} min_count={least}: {trial}")
            trials.append(trial)
    kept = [t for t in trials if t.detected is not None]
    if not kept:
        raise RuntimeError("no threshold kept false alarms within the budget")
    best = max(
        kept,
        key=lambda t: (t.detected_5x or 0, t.detected or 0, -(t.median_delay_min or 1e9)),
    )
    return replace(base, z=best.z, min_count=best.min_count), trials


def choose_naive(
    rules: SurgeRules,
    *,
    clean: Sequence[TraceRow],
    topics_of: Callable[[str], tuple[Topic, ...]],
) -> tuple[int, float]:
    """The smallest fixed count per window within the budget on the clean calibration
    trace, and its false alarms per week there."""
    start = clean[0].at + rules.baseline_weeks * WEEK
    weeks = (clean[-1].at - start) / WEEK

    def rate(threshold: int) -> float:
        fired = naive_fired(clean, threshold=threshold, rules=rules, topics_of=topics_of)
        return sum(1 for f in fired if f.at >= start) / weeks

    low, high = 0, len(NAIVE_GRID) - 1  # false alarms fall as the threshold rises: bisect
    if rate(NAIVE_GRID[high]) > FALSE_ALARM_BUDGET:
        raise RuntimeError("no fixed threshold kept false alarms within the budget")
    while low < high:
        middle = (low + high) // 2
        if rate(NAIVE_GRID[middle]) <= FALSE_ALARM_BUDGET:
            high = middle
        else:
            low = middle + 1
    return NAIVE_GRID[low], round(rate(NAIVE_GRID[low]), 3)


def naive_fired(
    rows: Sequence[TraceRow],
    *,
    threshold: int,
    rules: SurgeRules,
    topics_of: Callable[[str], tuple[Topic, ...]],
) -> list[Fired]:
    """The naive detector's alerts on ``rows``."""
    naive = FixedThreshold(threshold=threshold, rules=rules)
    fired: list[Fired] = []
    for row in rows:
        fired += naive.observe(row.at, topics_of(row.text))
    return fired


def _score(fired: list[Fired], incidents: Any, result: Any, rules: SurgeRules) -> dict[str, Any]:
    return score(fired, incidents, armed_from=result.armed_from, last=result.last, rules=rules)


def _rate(found: dict[str, Any], ids: set[str]) -> float | None:
    chosen = [item for item in found["per_incident"] if item["id"] in ids]
    return sum(item["detected"] for item in chosen) / len(chosen) if chosen else None
