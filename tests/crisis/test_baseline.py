"""The robust baseline: median, MAD, the floors, and the z-scores against them."""

from __future__ import annotations

import math

import pytest

from bot.crisis.baseline import ANGER_SHARE_FLOOR, AngerBaseline, Baseline


def test_median_and_mad_ignore_one_bad_week() -> None:
    usual = [10, 12, 11, 9] * 3
    incident = [80, 95, 90, 85]  # last week's outage in the history
    baseline = Baseline.of(incident + usual)
    assert baseline.median == 11
    assert baseline.mad == 1
    assert baseline.scale == pytest.approx(math.sqrt(11))  # the Poisson floor beats 1.4826
    assert baseline.z(30) == pytest.approx((30 - 11) / math.sqrt(11))


def test_a_wide_spread_is_used_as_it_is() -> None:
    baseline = Baseline.of([0, 20] * 8)
    assert (baseline.median, baseline.mad) == (10, 10)
    assert baseline.scale == pytest.approx(14.826)
    assert baseline.needed(z=2, min_count=8) == math.ceil(10 + 2 * 14.826)


def test_a_silent_history_has_a_spread_of_one_so_only_the_minimum_count_decides() -> None:
    baseline = Baseline.of([0] * 16)
    assert baseline.scale == 1
    assert baseline.z(5) == 5
    assert baseline.needed(z=5, min_count=8) == 8
    assert baseline.needed(z=5, min_count=3) == 5
    assert Baseline.of([]).needed(z=4, min_count=6) == 6


def test_the_bar_is_the_smallest_count_that_reaches_z() -> None:
    baseline = Baseline.of([4] * 16)  # scale 2
    assert baseline.needed(z=3, min_count=1) == 10
    assert baseline.z(10) == 3
    assert baseline.z(9) < 3


def test_the_usual_angry_share_has_a_floor() -> None:
    assert AngerBaseline(angry=0, messages=500).share == ANGER_SHARE_FLOOR
    assert AngerBaseline(angry=0, messages=0).share == ANGER_SHARE_FLOOR
    assert AngerBaseline(angry=30, messages=100).share == 0.3


def test_the_anger_z_is_the_exact_binomial_tail() -> None:
    usual = AngerBaseline(angry=10, messages=100)  # 10%
    # P(X >= 6 | n=6, p=0.1) = 1e-6: a one-sided normal tail of 1e-6 is z = 4.753.
    assert usual.z(angry=6, messages=6) == pytest.approx(4.753, abs=1e-3)
    # Ordinary luck: 3 of 10 at 10% happens 7% of the time.
    assert usual.z(angry=3, messages=10) == pytest.approx(1.47, abs=0.01)
    assert usual.z(angry=1, messages=10) == 0  # at or below the usual share
    assert usual.z(angry=0, messages=0) == 0
