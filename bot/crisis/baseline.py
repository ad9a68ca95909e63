"""What is normal for a topic: a robust seasonal baseline, and the z-scores against it.

Counts of customer messages are spiky and the history holds earlier incidents, so the
baseline is the median of the same hour of the week over past weeks, and the spread is
the median absolute deviation (MAD), neither of which one bad week can move far. Two
floors keep the z-score honest on small numbers:

- the spread is at least the Poisson spread ``sqrt(median)`` (and at least 1): four weeks
  of a quiet hour often have a MAD of 0, which would make any message infinitely unusual;
- the usual angry share is at least :data:`ANGER_SHARE_FLOOR`, for the same reason, and
  the angry count is judged by its exact binomial tail, not a normal approximation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, median

MAD_TO_SIGMA = 1.4826
"""Scales a MAD to the standard deviation of a normal distribution with that MAD."""

ANGER_SHARE_FLOOR = 0.05
"""The usual share of angry messages is taken to be at least this."""


@dataclass(frozen=True)
class Baseline:
    """A window's usual count, from the same hour of the week in past weeks.

    Attributes:
        samples: The past windows' counts, newest week first.
        median: Their median.
        mad: Their median absolute deviation.
        scale: The spread a z-score divides by (see the module's floors).
    """

    samples: tuple[int, ...]
    median: float
    mad: float
    scale: float

    @classmethod
    def of(cls, samples: Sequence[int]) -> Baseline:
        """The baseline of these past counts (none at all reads as a quiet topic)."""
        values = tuple(samples)
        middle = float(median(values)) if values else 0.0
        mad = float(median(abs(v - middle) for v in values)) if values else 0.0
        scale = max(MAD_TO_SIGMA * mad, math.sqrt(max(middle, 1.0)))
        return cls(samples=values, median=middle, mad=mad, scale=scale)

    def z(self, count: int) -> float:
        """The robust z-score of ``count``."""
        return (count - self.median) / self.scale

    def needed(self, *, z: float, min_count: int) -> int:
        """The smallest count that reaches both ``z`` and ``min_count``."""
        return max(min_count, math.ceil(self.median + z * self.scale - 1e-9))


@dataclass(frozen=True)
class AngerBaseline:
    """A topic's usual share of angry messages, pooled over its history.

    Attributes:
        angry: Angry messages in the history.
        messages: All messages in the history.
    """

    angry: int
    messages: int

    @property
    def share(self) -> float:
        """The usual share, at least :data:`ANGER_SHARE_FLOOR`."""
        seen = self.angry / self.messages if self.messages else 0.0
        return max(seen, ANGER_SHARE_FLOOR)

    def z(self, *, angry: int, messages: int) -> float:
        """How unusual ``angry`` of ``messages`` is, as a z-score.

        The exact binomial chance of at least that many angry messages at the usual share,
        as the normal z-score with the same upper tail: with a few messages and a small
        share the normal approximation would call ordinary luck a crisis.
        """
        if messages <= 0 or angry <= 0:
            return 0.0
        share = min(self.share, 0.99)
        tail = _binomial_tail(angry, messages, share)
        return -NormalDist().inv_cdf(min(max(tail, 1e-300), 0.5)) if tail < 0.5 else 0.0


def _binomial_tail(at_least: int, trials: int, chance: float) -> float:
    """P(X >= at_least) for X ~ Binomial(trials, chance)."""
    log_p, log_q = math.log(chance), math.log1p(-chance)
    terms = [
        math.lgamma(trials + 1)
        - math.lgamma(k + 1)
        - math.lgamma(trials - k + 1)
        + k * log_p
        + (trials - k) * log_q
        for k in range(at_least, trials + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))
