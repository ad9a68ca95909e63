from __future__ import annotations

import pytest

from bot.channels.pacing import TokenBuckets


def test_a_burst_is_allowed_then_the_rate_holds() -> None:
    buckets = TokenBuckets(rate=0.5, burst=3)
    assert [buckets.try_take("s", 0.0) for _ in range(4)] == [True, True, True, False]
    assert not buckets.try_take("s", 1.0)  # half a token refilled
    assert buckets.try_take("s", 2.1)
    assert buckets.try_take("other", 2.1)  # keys are independent


def test_reserve_says_how_long_to_wait() -> None:
    buckets = TokenBuckets(rate=2.0, burst=1)
    assert buckets.reserve("c", 0.0) == 0.0
    assert buckets.reserve("c", 0.0) == pytest.approx(0.5)
    assert buckets.reserve("c", 0.0) == pytest.approx(1.0)
    assert buckets.reserve("c", 10.0) == 0.0


def test_only_recent_keys_are_kept() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1, max_keys=2)
    for key in "abc":
        buckets.try_take(key, 0.0)
    assert buckets.try_take("a", 0.0)  # "a" was forgotten, so it starts full


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenBuckets(rate=0, burst=1)
