"""The answer / clarify / no-answer decision (bot/faq/matcher.py)."""

from __future__ import annotations

import pytest

from bot.faq.index import Hit
from bot.faq.matcher import Outcome, Thresholds, decide

# Binary fractions, so that boundary cases compare exactly.
T = Thresholds(answer=0.75, margin=0.125, clarify=0.5, max_choices=3)


def hits(*scores: float) -> list[Hit]:
    return [Hit(f"e{i}", score, score, f"phrasing {i}", "en") for i, score in enumerate(scores)]


@pytest.mark.parametrize(
    ("scores", "thresholds", "outcome", "offered"),
    [
        pytest.param((0.9, 0.6), T, Outcome.ANSWER, ["e0"], id="clear answer"),
        pytest.param((0.9,), T, Outcome.ANSWER, ["e0"], id="a single confident hit"),
        pytest.param((0.75, 0.625), T, Outcome.ANSWER, ["e0"], id="exactly at both cut-offs"),
        pytest.param(
            (0.9, 0.85, 0.3), T, Outcome.CLARIFY, ["e0", "e1"], id="high but margin too small"
        ),
        pytest.param((0.75, 0.6875), T, Outcome.CLARIFY, ["e0", "e1"], id="margin just short"),
        pytest.param(
            (0.7, 0.3), T, Outcome.CLARIFY, ["e0"], id="one plausible below answer threshold"
        ),
        pytest.param(
            (0.7, 0.5, 0.4), T, Outcome.CLARIFY, ["e0", "e1"], id="clarify cut-off is inclusive"
        ),
        pytest.param(
            (0.8, 0.79, 0.78, 0.77, 0.76),
            T,
            Outcome.CLARIFY,
            ["e0", "e1", "e2"],
            id="at most max_choices offered",
        ),
        pytest.param(
            (0.8, 0.79, 0.78),
            Thresholds(0.75, 0.125, 0.5, max_choices=2),
            Outcome.CLARIFY,
            ["e0", "e1"],
            id="a smaller max_choices",
        ),
        pytest.param(
            (0.45, 0.4, 0.3, 0.2),
            T,
            Outcome.NO_ANSWER,
            ["e0", "e1", "e2"],
            id="nothing above clarify keeps the closest as candidates",
        ),
        pytest.param((), T, Outcome.NO_ANSWER, [], id="no hits"),
    ],
)
def test_decide(
    scores: tuple[float, ...], thresholds: Thresholds, outcome: Outcome, offered: list[str]
) -> None:
    decision = decide(hits(*scores), thresholds)

    assert decision.outcome is outcome
    assert [hit.entry_id for hit in decision.hits] == offered
    assert decision.best == (decision.hits[0] if offered else None)


def test_the_decision_keeps_the_hits_it_was_given() -> None:
    given = hits(0.9, 0.2)

    decision = decide(given, T)

    assert decision.hits == (given[0],)
    assert decision.best is given[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            dict(answer=0.5, margin=0.1, clarify=0.6), "clarify <= answer", id="clarify>answer"
        ),
        pytest.param(dict(answer=0.8, margin=0.1, clarify=-0.1), "0 <= clarify", id="clarify<0"),
        pytest.param(dict(answer=0.8, margin=-0.01, clarify=0.6), "margin", id="negative margin"),
        pytest.param(
            dict(answer=0.8, margin=0.1, clarify=0.6, max_choices=1),
            "two choices",
            id="one choice",
        ),
    ],
)
def test_thresholds_reject_inconsistent_values(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Thresholds(**kwargs)


def test_thresholds_accept_equal_answer_and_clarify() -> None:
    assert Thresholds(answer=0.8, margin=0.0, clarify=0.8).max_choices == 3
