"""Decide what to do with a query's best matches: answer, clarify, or admit no answer.

Pure: the decision depends only on the scores and the thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from bot.faq.index import Hit


class Outcome(str, Enum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on ranking scores (see :class:`bot.faq.index.Scoring`), chosen on calibration
    data, never on test data.

    Attributes:
        answer: the best score must reach this to answer directly...
        margin: ...and lead the runner-up by at least this much.
        clarify: entries scoring at least this are offered as choices when
            the bot is not sure enough to answer.
        max_choices: most entries offered in a clarification.
    """

    answer: float
    margin: float
    clarify: float
    max_choices: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.clarify <= self.answer:
            raise ValueError("thresholds must satisfy 0 <= clarify <= answer")
        if self.margin < 0:
            raise ValueError("the margin cannot be negative")
        if self.max_choices < 2:
            raise ValueError("a clarification offers at least two choices")


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    hits: tuple[Hit, ...]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def decide(hits: Sequence[Hit], thresholds: Thresholds) -> Decision:
    """Choose the outcome for ``hits`` (best first).

    - answer: the best entry is confident and clearly ahead of the next one;
    - clarify: one or more entries are plausible but not decisive, so the
      customer picks (a single plausible entry is offered as "did you mean");
    - no answer: nothing is close enough.
    """
    if not hits:
        return Decision(Outcome.NO_ANSWER, ())
    top = hits[0]
    lead = top.score - hits[1].score if len(hits) > 1 else 1.0
    if top.score >= thresholds.answer and lead >= thresholds.margin:
        return Decision(Outcome.ANSWER, (top,))
    plausible = tuple(
        hit for hit in hits[: thresholds.max_choices] if hit.score >= thresholds.clarify
    )
    if plausible:
        return Decision(Outcome.CLARIFY, plausible)
    return Decision(Outcome.NO_ANSWER, tuple(hits[: thresholds.max_choices]))
