"""Metrics on hand-made rankings, with exact expected numbers."""

from __future__ import annotations

import pytest

from bot.eval.metrics import (
    Ranking,
    answer_metrics,
    choose_threshold,
    choose_threshold_for_accuracy,
    latency_summary,
    percentile,
    ranking_metrics,
    sample_indices,
    sweep,
    with_answer,
)
from bot.faq.matcher import Thresholds

IN_SCOPE = [
    Ranking("a", ("a", "b", "c"), (0.9, 0.5, 0.4)),  # rank 1, confident
    Ranking("b", ("a", "b", "c"), (0.8, 0.7, 0.1)),  # rank 2, confidently wrong
    Ranking("c", ("a", "b", "d", "c"), (0.6, 0.5, 0.4, 0.3)),  # rank 4, unsure
    Ranking("d", ("a", "b"), (0.5, 0.4)),  # missing from the ranking
]
OUT_OF_SCOPE = [
    Ranking("oos", ("a", "b"), (0.95, 0.2)),  # answered: wrong
    Ranking("oos", ("b", "a"), (0.3, 0.2)),  # refused: right
]
THRESHOLDS = Thresholds(answer=0.7, margin=0.05, clarify=0.5)


def test_ranking_metrics_count_in_scope_queries_only() -> None:
    metrics = ranking_metrics(IN_SCOPE + OUT_OF_SCOPE)

    assert metrics.n_in_scope == 4
    assert metrics.top1 == pytest.approx(1 / 4)
    assert metrics.top3 == pytest.approx(2 / 4)
    assert metrics.mrr == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)


def test_ranking_metrics_without_in_scope_queries_are_none() -> None:
    metrics = ranking_metrics(OUT_OF_SCOPE)

    assert (metrics.top1, metrics.top3, metrics.mrr, metrics.n_in_scope) == (None, None, None, 0)


def test_answer_metrics_with_out_of_scope_queries() -> None:
    metrics = answer_metrics(IN_SCOPE + OUT_OF_SCOPE, THRESHOLDS)

    # Answered: the first two in-scope queries (one right, one wrong) and the first oos one.
    assert metrics.n_answered == 3
    assert metrics.answer_rate == pytest.approx(2 / 4)
    assert metrics.answered_precision == pytest.approx(1 / 3)
    assert metrics.in_scope_accuracy == pytest.approx(1 / 4)
    assert metrics.oos_recall == pytest.approx(1 / 2)
    assert (metrics.n_in_scope, metrics.n_oos) == (4, 2)


def test_the_margin_blocks_a_close_runner_up() -> None:
    metrics = answer_metrics(IN_SCOPE + OUT_OF_SCOPE, Thresholds(0.7, margin=0.2, clarify=0.5))

    # The second query leads by only 0.1 now, so it is not answered.
    assert metrics.n_answered == 2
    assert metrics.answer_rate == pytest.approx(1 / 4)
    assert metrics.answered_precision == pytest.approx(1 / 2)


def test_oos_recall_is_none_without_out_of_scope_queries() -> None:
    metrics = answer_metrics(IN_SCOPE, THRESHOLDS)

    assert metrics.oos_recall is None
    assert metrics.answered_precision == pytest.approx(1 / 2)


def test_precision_is_none_when_nothing_is_answered() -> None:
    metrics = answer_metrics(IN_SCOPE + OUT_OF_SCOPE, Thresholds(1.0, margin=0.0, clarify=0.5))

    assert metrics.n_answered == 0
    assert metrics.answered_precision is None
    assert metrics.answer_rate == 0.0
    assert metrics.oos_recall == 1.0


def test_sweep_follows_the_grid_and_keeps_other_thresholds() -> None:
    points = sweep(IN_SCOPE + OUT_OF_SCOPE, THRESHOLDS, [0.0, 0.85, 1.0])

    assert [p.answer_threshold for p in points] == [0.0, 0.85, 1.0]
    # At 0.85 only the 0.9 (right) and 0.95 (oos, wrong) tops are answered.
    assert points[1].n_answered == 2
    assert points[1].answered_precision == pytest.approx(1 / 2)
    assert with_answer(THRESHOLDS, 0.3).clarify == 0.3


def test_choose_threshold_picks_the_lowest_reaching_the_target() -> None:
    calibration = [
        Ranking("a", ("a", "b"), (0.9, 0.1)),
        Ranking("b", ("a", "b"), (0.8, 0.1)),
    ]
    base = Thresholds(0.5, margin=0.0, clarify=0.5)

    choice = choose_threshold(calibration, base, target_precision=0.9)

    assert choice.reached
    assert choice.thresholds.answer == pytest.approx(0.805)
    assert choice.calibration.answered_precision == 1.0
    assert choice.thresholds.margin == 0.0


def test_choose_threshold_depends_on_the_calibration_data_only() -> None:
    base = Thresholds(0.5, margin=0.0, clarify=0.5)
    calibration = [Ranking("a", ("a", "b"), (0.6, 0.1)), Ranking("b", ("a",), (0.55,))]

    choice = choose_threshold(calibration, base, target_precision=0.9)

    assert choice.thresholds.answer == pytest.approx(0.555)
    # The test queries are not an input: the same calibration always gives the same threshold.
    assert choose_threshold(list(calibration), base).thresholds == choice.thresholds


def test_choose_threshold_reports_an_unreachable_target() -> None:
    calibration = [Ranking("a", ("b", "a"), (0.9, 0.1)), Ranking("a", ("b",), (0.6,))]

    choice = choose_threshold(calibration, Thresholds(0.5, 0.0, 0.5), target_precision=0.9)

    assert not choice.reached
    assert choice.calibration.answered_precision == 0.0


def test_choose_threshold_rejects_empty_calibration() -> None:
    with pytest.raises(ValueError):
        choose_threshold([], THRESHOLDS)


def test_choose_threshold_for_accuracy_keeps_the_target_and_refuses_oos() -> None:
    calibration = [
        Ranking("a", ("a",), (0.9,)),
        Ranking("b", ("b",), (0.7,)),
        Ranking("c", ("a",), (0.6,)),  # wrong
        Ranking("oos", ("a",), (0.8,)),
        Ranking("oos", ("b",), (0.5,)),
    ]

    choice = choose_threshold_for_accuracy(
        calibration, Thresholds(0.5, 0.0, 0.5), target_accuracy=0.6
    )

    # Two of three in-scope queries must be answered right, so the threshold is at most 0.7.
    assert choice.reached
    assert choice.thresholds.answer == pytest.approx(0.7)
    assert choice.calibration.in_scope_accuracy == pytest.approx(2 / 3)
    assert choice.calibration.oos_recall == pytest.approx(1 / 2)


def test_percentiles_interpolate() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == pytest.approx(2.5)
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_summary([0.001, 0.002, 0.003, 0.004])

    assert summary["latency_ms_p50"] == pytest.approx(2.5)
    assert summary["latency_ms_p95"] == pytest.approx(3.85)
    assert summary["latency_ms_mean"] == pytest.approx(2.5)
    assert summary["latency_n"] == 4
    assert latency_summary([])["latency_ms_p95"] is None


def test_sample_indices_are_fixed_by_the_seed() -> None:
    assert sample_indices(5, 300, 0) == [0, 1, 2, 3, 4]
    first = sample_indices(1000, 300, 7)
    assert len(first) == 300 and first == sorted(set(first))
    assert sample_indices(1000, 300, 7) == first


def test_rankings_need_matching_lengths() -> None:
    with pytest.raises(ValueError):
        Ranking("a", ("a", "b"), (0.5,))
