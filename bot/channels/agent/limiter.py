"""Slows password guessing: too many failed logins for a name from one address, and it waits."""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from bot.channels.agent.errors import TooManyAttempts


class LoginLimiter:
    """Counts failed logins per (name, address) in memory, over a sliding window.

    In memory on purpose: it only has to make guessing slow, and each replica
    slowing its own share is enough for that.
    """

    def __init__(
        self,
        *,
        failures: int = 10,
        window: timedelta = timedelta(minutes=5),
        capacity: int = 10_000,
    ) -> None:
        self.failures = failures
        self.window = window
        self.capacity = capacity
        self._failed: dict[tuple[str, str], deque[datetime]] = {}

    def check(self, name: str, address: str, now: datetime) -> None:
        """Raises:
        TooManyAttempts: The limit is reached; the error says for how long.
        """
        times = self._recent(self._key(name, address), now)
        if len(times) >= self.failures:
            wait = (times[0] + self.window - now).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(wait)))

    def failed(self, name: str, address: str, now: datetime) -> None:
        key = self._key(name, address)
        times = self._recent(key, now)
        times.append(now)
        self._failed.pop(key, None)
        self._failed[key] = times  # newest last, so the oldest go first when full
        while len(self._failed) > self.capacity:
            del self._failed[next(iter(self._failed))]

    def succeeded(self, name: str, address: str) -> None:
        self._failed.pop(self._key(name, address), None)

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        times = self._failed.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    @staticmethod
    def _key(name: str, address: str) -> tuple[str, str]:
        return name.casefold(), address
