"""When to restart a process that stopped, and when to say loudly that it keeps stopping.

The delay starts at one second and doubles up to a cap, so a process that dies at once
does not spin the CPU, and one that dies now and then comes back quickly; after a run long
enough to count as healthy it starts from one second again. There is no giving up: a
supervisor that stops restarting means silence for customers. Past a number of stops a
minute, the restarts go on at the capped delay and every stop is reported as an alarm.

Pure: the caller passes how long the process ran and the time of its stop.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RestartPolicy:
    """How a supervisor restarts processes that stop.

    Attributes:
        first_delay: Seconds before the first restart, and after a healthy run.
        max_delay: The cap on the delay, which doubles with each quick stop.
        healthy_after: Seconds of running after which the delay starts over.
        max_stops_per_minute: More stops than this within 60 s raise the alarm.
    """

    first_delay: float = 1.0
    max_delay: float = 30.0
    healthy_after: float = 60.0
    max_stops_per_minute: int = 5

    def tracker(self) -> RestartTracker:
        """A fresh record of one process's stops under this policy."""
        return RestartTracker(policy=self)


@dataclass(frozen=True)
class Restart:
    """What to do after one stop.

    Attributes:
        delay: Seconds to wait before starting the process again.
        stops_last_minute: Its stops within the last 60 s, this one included.
        alarm: True when that is more than the policy allows.
    """

    delay: float
    stops_last_minute: int
    alarm: bool


class RestartTracker:
    """The stops of one process, and the delay before its next start."""

    _WINDOW = 60.0

    def __init__(self, *, policy: RestartPolicy) -> None:
        self._policy = policy
        self._delay: float | None = None
        self._stops: deque[float] = deque()

    def after_stop(self, *, ran_for: float, at: float) -> Restart:
        """Record a stop and decide when to restart.

        Args:
            ran_for: Seconds the process ran before it stopped.
            at: When it stopped, in seconds on a monotonic clock.

        Returns:
            The delay before the restart, and whether to raise the alarm.
        """
        policy = self._policy
        if self._delay is None or ran_for >= policy.healthy_after:
            delay = policy.first_delay
        else:
            delay = min(self._delay * 2, policy.max_delay)
        self._stops.append(at)
        while self._stops[0] <= at - self._WINDOW:
            self._stops.popleft()
        alarm = len(self._stops) > policy.max_stops_per_minute
        if alarm:
            delay = policy.max_delay
        self._delay = delay
        return Restart(delay=delay, stops_last_minute=len(self._stops), alarm=alarm)
