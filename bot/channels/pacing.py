"""Token buckets: how often a chat may be written to, or a widget session may write."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One token bucket per key, refilled at ``rate`` tokens a second up to ``burst``.

    Pure: the caller passes the current (monotonic) time, so tests need no clock.
    Only the ``max_keys`` most recently used keys are kept.
    """

    def __init__(self, *, rate: float, burst: float, max_keys: int = 100_000) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=self.burst, updated=now)
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        return bucket

    def try_take(self, key: str, now: float) -> bool:
        """Take a token if one is there; False means the caller is over the limit."""
        bucket = self._bucket(key, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False

    def reserve(self, key: str, now: float) -> float:
        """Take a token, possibly one not yet refilled; returns how long to wait first."""
        bucket = self._bucket(key, now)
        bucket.tokens -= 1
        return 0.0 if bucket.tokens >= 0 else -bucket.tokens / self.rate
