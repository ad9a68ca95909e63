"""The knobs of surge detection, as one value (read from ``crisis.yml`` by :mod:`config`).

``z`` and ``min_count`` default to the values the surge benchmark chose on its calibration
traces at 12,000 messages a day (``bench/surge.py``, ``reports/surge.md``); ``crisis.yml``
repeats them for operators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SurgeRules:
    """When a topic's traffic counts as a surge.

    Attributes:
        timezone: IANA name; the hours of the week are this timezone's (customers'
            habits follow local time, also across daylight-saving changes).
        window_minutes: Length of a counting window; divides 60.
        baseline_weeks: Weeks of history the baseline reads; no alert before that much
            history exists, because a baseline from a few days is not a baseline.
        z: Robust z-score of a window's count over its baseline that raises an alert.
        min_count: Fewest messages in a window that can raise an alert, so small
            numbers never alarm however quiet the topic usually is.
        anger_z: z-score of the window's angry messages against the topic's usual share.
        min_angry: Fewest angry messages in a window that can raise an anger alert.
        cooldown_minutes: After an alert, the topic stays quiet this long.
        examples: Example messages (redacted) kept as evidence per topic and window.
    """

    timezone: str = "UTC"
    window_minutes: int = 15
    baseline_weeks: int = 4
    z: float = 6.0
    min_count: int = 12
    anger_z: float = 5.0
    min_angry: int = 6
    cooldown_minutes: int = 120
    examples: int = 5

    def __post_init__(self) -> None:
        if self.window_minutes < 1 or 60 % self.window_minutes:
            raise ValueError("window_minutes must divide 60")
        if self.baseline_weeks < 1 or self.min_count < 1 or self.min_angry < 1:
            raise ValueError("baseline_weeks, min_count and min_angry must be at least 1")
        if self.z <= 0 or self.anger_z <= 0 or self.cooldown_minutes < 0 or self.examples < 0:
            raise ValueError("z and anger_z must be positive, cooldown and examples not negative")
        ZoneInfo(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The timezone the hours of the week are counted in."""
        return ZoneInfo(self.timezone)

    @property
    def window(self) -> timedelta:
        """One counting window."""
        return timedelta(minutes=self.window_minutes)

    @property
    def cooldown(self) -> timedelta:
        """How long a topic stays quiet after an alert."""
        return timedelta(minutes=self.cooldown_minutes)
