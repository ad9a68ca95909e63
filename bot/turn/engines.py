"""What a turn consults: the FAQ engine, the mood reader, the language detector, the
texts, the calendar and the escalation policy.

They compute; none of them does I/O or reads a clock, so a turn stays a pure function
of its context. The action server builds them once per process (``actions/``),
``frontline faq try`` and ``frontline eval conversations`` build the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.faq.schema import FaqEntry
from bot.faq.service import FaqResult
from bot.handoff.policy import EscalationPolicy
from bot.hours.calendar import BusinessHours
from bot.tone.texts import BotTexts


class Faq(Protocol):
    def ask(self, text: str, *, language: str | None = None) -> FaqResult: ...

    def entry(self, entry_id: str) -> FaqEntry | None: ...


@dataclass(frozen=True)
class Mood:
    """How a customer message reads.

    Attributes:
        anger: Probability of anger (0–1).
        complaint: Probability of a complaint: dissatisfaction without shouting (0–1).
        repeat: How closely it repeats one of the customer's earlier messages (0–1).
    """

    anger: float = 0.0
    complaint: float = 0.0
    repeat: float = 0.0


class MoodReader(Protocol):
    def read(self, text: str, *, history: Sequence[str]) -> Mood: ...


class Detector(Protocol):
    def detect(self, text: str) -> str | None: ...


@dataclass(frozen=True)
class TurnEngines:
    """Everything a turn consults besides its context."""

    faq: Faq
    mood: MoodReader
    detector: Detector
    texts: BotTexts
    hours: BusinessHours
    policy: EscalationPolicy
    # The operator's keyword topics (crisis.yml): the topic keys a message belongs to.
    keyword_topics: Callable[[str], tuple[str, ...]] | None = None

    @property
    def languages(self) -> list[str]:
        return self.texts.languages

    @property
    def default_language(self) -> str:
        return self.texts.default_language
