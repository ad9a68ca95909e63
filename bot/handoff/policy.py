"""When to bring in a person, and why. Pure: the conversation so far in, a decision out.

Four signals, each recorded with its evidence (which message, which signal, what
score): an explicit request, anger or frustration, repeated failure, and a
sensitive topic. Thresholds and topics live in ``escalation.yml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum


class Action(Enum):
    """What the bot does about it."""

    NONE = "none"
    OFFER = "offer"  # answer as usual, and offer a person
    HANDOFF = "handoff"  # hand the conversation to a person now


@dataclass(frozen=True)
class Reason:
    """One signal that fired, with its evidence."""

    signal: str  # "request", "anger", "failure", "sensitive"
    message: int  # index of the customer message in the conversation
    evidence: str
    score: float | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One customer message and what the bot made of it.

    Attributes:
        text: What the customer wrote.
        language: The conversation's language at that message.
        anger: The anger signal's probability for the message (0–1).
        asked_for_person: The ``request_human`` intent, ``/human`` or the button.
        helped: False when the bot had no answer or a clarification led nowhere.
    """

    text: str
    language: str
    anger: float = 0.0
    asked_for_person: bool = False
    helped: bool = True


@dataclass(frozen=True)
class EscalationPolicy:
    anger_offer: float = 0.5
    anger_handoff: float = 0.85
    anger_sustained: int = 2
    anger_window: int = 3
    failed_turns: int = 2
    sensitive_topics: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)

    def decide(self, turns: Sequence[Turn]) -> Decision:
        """The decision after the last of ``turns``, with every reason that fired."""
        if not turns:
            return Decision(Action.NONE)
        last = len(turns) - 1
        turn = turns[-1]
        reasons: list[Reason] = []
        handoff = False
        if turn.asked_for_person:
            reasons.append(Reason("request", last, "the customer asked for a person"))
            handoff = True
        topic = self.sensitive_topic(turn.text, turn.language)
        if topic is not None:
            reasons.append(Reason("sensitive", last, f"{topic[0]}: '{topic[1]}'"))
            handoff = True
        window = turns[-self.anger_window :]
        angry = [t for t in window if t.anger >= self.anger_offer]
        if turn.anger >= self.anger_handoff:
            reasons.append(Reason("anger", last, "strong anger", round(turn.anger, 3)))
            handoff = True
        elif turn.anger >= self.anger_offer and len(angry) >= self.anger_sustained:
            evidence = f"anger in {len(angry)} of the last {len(window)} messages"
            reasons.append(Reason("anger", last, evidence, round(turn.anger, 3)))
            handoff = True
        elif turn.anger >= self.anger_offer:
            reasons.append(Reason("anger", last, "anger in this message", round(turn.anger, 3)))
        failures = _trailing(lambda t: not t.helped, turns)
        if failures >= self.failed_turns:
            evidence = f"{failures} turns in a row without help"
            reasons.append(Reason("failure", last, evidence))
            handoff = True
        if handoff:
            return Decision(Action.HANDOFF, tuple(reasons))
        return Decision(Action.OFFER if reasons else Action.NONE, tuple(reasons))

    def sensitive_topic(self, text: str, language: str) -> tuple[str, str] | None:
        """The first sensitive topic ``text`` mentions, as (topic, phrase)."""
        folded = _fold(text)
        for topic, by_language in self.sensitive_topics.items():
            for phrase in (*by_language.get(language, ()), *by_language.get("en", ())):
                if re.search(rf"(?<!\w){re.escape(_fold(phrase))}(?!\w)", folded):
                    return topic, phrase
        return None


def _trailing(predicate: Callable[[Turn], bool], turns: Sequence[Turn]) -> int:
    count = 0
    for turn in reversed(turns):
        if not predicate(turn):
            break
        count += 1
    return count


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
