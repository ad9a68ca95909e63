"""Retrieval and answer-decision metrics, computed from per-query rankings.

Everything here is a pure function of the rankings and the thresholds, so the same code scores
Frontline's FAQ engine and Rasa's ResponseSelector.

Definitions (``in-scope`` queries have a knowledge-base label, ``oos`` ones have the label
:data:`bot.eval.datasets.OOS`):

- ``top1`` / ``top3``: share of in-scope queries whose label is first / among the first three.
- ``mrr``: mean reciprocal rank of the label over in-scope queries; a label missing from the
  (usually ten-long) ranking counts 0.
- ``answered``: queries whose decision (:func:`bot.faq.matcher.decide`) is ``ANSWER``.
- ``answer_rate``: answered in-scope queries / in-scope queries.
- ``answered_precision``: correctly answered queries / all answered queries, out-of-scope ones
  included (an answered out-of-scope query is always wrong); ``None`` when nothing is answered.
- ``in_scope_accuracy``: in-scope queries answered with the right label / in-scope queries
  (the CLINC150 "in-scope accuracy" with a confidence threshold, Larson et al. 2019).
- ``oos_recall``: out-of-scope queries *not* answered / out-of-scope queries; ``None`` when
  there are no out-of-scope queries.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.faq.index import Hit
from bot.faq.matcher import Outcome, Thresholds, decide

OOS_LABEL = "oos"
"""The gold label of an out-of-scope query (the same as ``bot.eval.datasets.OOS``)."""

DEFAULT_GRID: tuple[float, ...] = tuple(round(i * 0.005, 3) for i in range(401))
"""Answer thresholds tried by sweeps and threshold choices: 0.000, 0.005, ..., 2.000.

Ranking scores go above 1: the ridge head's score is added to the cosine."""


@dataclass(frozen=True)
class Ranking:
    """One query's gold label and the system's ranked candidate labels.

    Attributes:
        gold: The expected label, or ``"oos"`` for an out-of-scope query.
        labels: Candidate labels, best first.
        scores: Their scores (cosines, or confidences), same order and length as ``labels``.
    """

    gold: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.scores):
            raise ValueError("labels and scores must have the same length")

    @property
    def in_scope(self) -> bool:
        """Whether the query has a knowledge-base label."""
        return self.gold != OOS_LABEL

    def hits(self) -> list[Hit]:
        """The ranking as matcher hits, for :func:`bot.faq.matcher.decide`."""
        pairs = zip(self.labels, self.scores, strict=True)
        return [Hit(label, score, score, "", "") for label, score in pairs]


@dataclass(frozen=True)
class RankingMetrics:
    """Retrieval quality over in-scope queries (all ``None`` when there are none)."""

    top1: float | None
    top3: float | None
    mrr: float | None
    n_in_scope: int


@dataclass(frozen=True)
class AnswerMetrics:
    """What the answer decision does at one set of thresholds (see the module docstring)."""

    answer_threshold: float
    answer_rate: float | None
    answered_precision: float | None
    in_scope_accuracy: float | None
    oos_recall: float | None
    n_answered: int
    n_in_scope: int
    n_oos: int

    def as_dict(self) -> dict[str, Any]:
        """The metrics as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class ThresholdChoice:
    """A threshold chosen on calibration data.

    Attributes:
        criterion: What was targeted, e.g. ``"answered_precision>=0.9"``.
        thresholds: The chosen thresholds (only ``answer`` is varied).
        reached: Whether any threshold met the target; if not, ``thresholds`` is the best
            effort described in the chooser's docstring.
        calibration: The metrics on the calibration data at the chosen thresholds.
    """

    criterion: str
    thresholds: Thresholds
    reached: bool
    calibration: AnswerMetrics

    def as_dict(self) -> dict[str, Any]:
        """The choice as a JSON-ready dict."""
        return {
            "criterion": self.criterion,
            "thresholds": thresholds_dict(self.thresholds),
            "reached": self.reached,
            "calibration": self.calibration.as_dict(),
        }


def thresholds_dict(thresholds: Thresholds) -> dict[str, float]:
    """Thresholds as a JSON-ready dict."""
    return {
        "answer": thresholds.answer,
        "margin": thresholds.margin,
        "clarify": thresholds.clarify,
        "max_choices": thresholds.max_choices,
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def ranking_metrics(rankings: Sequence[Ranking]) -> RankingMetrics:
    """Top-1, top-3 and MRR over the in-scope queries.

    Args:
        rankings: One ranking per query; out-of-scope ones are ignored.

    Returns:
        The metrics; each is ``None`` when there is no in-scope query.
    """
    in_scope = [ranking for ranking in rankings if ranking.in_scope]
    n = len(in_scope)
    top1 = top3 = 0
    reciprocal = 0.0
    for ranking in in_scope:
        if ranking.gold in ranking.labels:
            rank = ranking.labels.index(ranking.gold) + 1
            top1 += rank == 1
            top3 += rank <= 3
            reciprocal += 1.0 / rank
    return RankingMetrics(
        top1=_ratio(top1, n),
        top3=_ratio(top3, n),
        mrr=reciprocal / n if n else None,
        n_in_scope=n,
    )


def answer_metrics(rankings: Sequence[Ranking], thresholds: Thresholds) -> AnswerMetrics:
    """Answer rate, answered precision, in-scope accuracy and OOS recall at ``thresholds``.

    Args:
        rankings: One ranking per query, in-scope and out-of-scope.
        thresholds: Passed to :func:`bot.faq.matcher.decide` for every query.

    Returns:
        The metrics, defined in the module docstring.
    """
    answered = answered_in_scope = correct = oos_answered = n_in_scope = n_oos = 0
    for ranking in rankings:
        decision = decide(ranking.hits(), thresholds)
        is_answer = decision.outcome is Outcome.ANSWER
        if ranking.in_scope:
            n_in_scope += 1
        else:
            n_oos += 1
        if not is_answer:
            continue
        answered += 1
        best = decision.best
        if ranking.in_scope:
            answered_in_scope += 1
            correct += best is not None and best.entry_id == ranking.gold
        else:
            oos_answered += 1
    return AnswerMetrics(
        answer_threshold=thresholds.answer,
        answer_rate=_ratio(answered_in_scope, n_in_scope),
        answered_precision=_ratio(correct, answered),
        in_scope_accuracy=_ratio(correct, n_in_scope),
        oos_recall=_ratio(n_oos - oos_answered, n_oos),
        n_answered=answered,
        n_in_scope=n_in_scope,
        n_oos=n_oos,
    )


def with_answer(thresholds: Thresholds, answer: float) -> Thresholds:
    """``thresholds`` with another answer threshold; the clarify one is lowered if it must be."""
    return replace(thresholds, answer=answer, clarify=min(thresholds.clarify, answer))


def sweep(
    rankings: Sequence[Ranking], base: Thresholds, grid: Iterable[float] = DEFAULT_GRID
) -> list[AnswerMetrics]:
    """Answer metrics at each answer threshold of ``grid``, other thresholds as in ``base``.

    Args:
        rankings: The queries to score.
        base: Supplies the margin, clarify threshold and choice count.
        grid: Answer thresholds, in the order wanted.

    Returns:
        One :class:`AnswerMetrics` per grid point (the precision vs answer-rate curve).
    """
    return [answer_metrics(rankings, with_answer(base, answer)) for answer in grid]


def choose_threshold(
    calibration: Sequence[Ranking],
    base: Thresholds,
    *,
    target_precision: float = 0.9,
    grid: Sequence[float] = DEFAULT_GRID,
) -> ThresholdChoice:
    """The lowest answer threshold whose answered precision on calibration data reaches a target.

    Only ``calibration`` is looked at: pass a calibration split, never the test queries.

    Args:
        calibration: Rankings of the calibration queries.
        base: Supplies the margin, clarify threshold and choice count.
        target_precision: The answered precision to reach.
        grid: Candidate answer thresholds.

    Returns:
        The choice. If no threshold reaches the target, the threshold with the highest
        answered precision (the lowest such one on ties) with ``reached=False``.

    Raises:
        ValueError: ``calibration`` or ``grid`` is empty.
    """
    if not calibration or not grid:
        raise ValueError("choosing a threshold needs calibration queries and a grid")
    points = sweep(calibration, base, sorted(grid))
    criterion = f"answered_precision>={target_precision:g}"
    for point in points:
        if point.answered_precision is not None and point.answered_precision >= target_precision:
            return ThresholdChoice(
                criterion, with_answer(base, point.answer_threshold), True, point
            )
    best = max(points, key=lambda p: (p.answered_precision or -1.0, -p.answer_threshold))
    return ThresholdChoice(criterion, with_answer(base, best.answer_threshold), False, best)


def choose_threshold_for_accuracy(
    calibration: Sequence[Ranking],
    base: Thresholds,
    *,
    target_accuracy: float = 0.9,
    grid: Sequence[float] = DEFAULT_GRID,
) -> ThresholdChoice:
    """The highest answer threshold whose in-scope accuracy on calibration data reaches a target.

    This is the CLINC150 protocol: one confidence threshold (no margin), kept as high as
    in-scope accuracy allows, so that as many out-of-scope queries as possible are refused.
    Only ``calibration`` is looked at.

    Args:
        calibration: Rankings of the calibration queries (in-scope and out-of-scope).
        base: Supplies the margin, clarify threshold and choice count.
        target_accuracy: The in-scope accuracy to keep.
        grid: Candidate answer thresholds.

    Returns:
        The choice. If no threshold reaches the target, the threshold with the highest
        in-scope accuracy (the highest such one on ties) with ``reached=False``.

    Raises:
        ValueError: ``calibration`` or ``grid`` is empty.
    """
    if not calibration or not grid:
        raise ValueError("choosing a threshold needs calibration queries and a grid")
    base = replace(base, margin=0.0)
    points = sweep(calibration, base, sorted(grid, reverse=True))
    criterion = f"in_scope_accuracy>={target_accuracy:g}"
    for point in points:
        if point.in_scope_accuracy is not None and point.in_scope_accuracy >= target_accuracy:
            return ThresholdChoice(
                criterion, with_answer(base, point.answer_threshold), True, point
            )
    best = max(points, key=lambda p: (p.in_scope_accuracy or -1.0, p.answer_threshold))
    return ThresholdChoice(criterion, with_answer(base, best.answer_threshold), False, best)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation; ``None`` for no values.

    Raises:
        ValueError: ``q`` is outside [0, 100].
    """
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, float | int | None]:
    """p50, p95, p99 and mean of per-query latencies, in milliseconds.

    Args:
        seconds: One wall-clock duration per query, in seconds.
    """

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 3)

    mean = sum(seconds) / len(seconds) if seconds else None
    return {
        "latency_ms_p50": ms(percentile(seconds, 50)),
        "latency_ms_p95": ms(percentile(seconds, 95)),
        "latency_ms_p99": ms(percentile(seconds, 99)),
        "latency_ms_mean": ms(mean),
        "latency_n": len(seconds),
    }


def sample_indices(n: int, size: int, seed: int) -> list[int]:
    """A fixed random sample of ``size`` indices out of ``range(n)``, sorted.

    Args:
        n: How many items there are.
        size: How many to pick; all ``n`` when ``n <= size``.
        seed: Seed of the ``random.Random`` that picks them.
    """
    if n <= size:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), size))


def accuracy_target_result(
    calibration: Sequence[Ranking],
    test: Sequence[Ranking],
    base: Thresholds,
    *,
    target_accuracy: float,
) -> dict[str, Any]:
    """The CLINC150-protocol threshold chosen on ``calibration``, and the test metrics at it."""
    choice = choose_threshold_for_accuracy(calibration, base, target_accuracy=target_accuracy)
    return {"choice": choice.as_dict(), "test": answer_metrics(test, choice.thresholds).as_dict()}
