"""When to bring in a person, and why. Pure: the conversation so far in, a decision out.

Signals, each recorded with its evidence (which message, which signal, what score):
an explicit request, anger, a complaint (dissatisfaction without shouting), asking the
same thing again, repeated failure, and a sensitive topic. Anger, complaints and
repetition earn an offer of a person; a request, sustained anger, strong anger the bot
has no answer for, failure and sensitive topics hand off. When the bot hands off, the
ticket lists every reason that applies within the anger window, not only the one that
tipped it. Thresholds and topics live in ``escalation.yml``.
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

    signal: str  # "request", "anger", "complaint", "repeat", "failure", "sensitive"
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
        complaint: The complaint signal's probability for the message (0–1).
        repeat: How closely the message repeats an earlier one (0–1).
        maybe_person: Rasa read a request for a person that the turn doubted (see
            ``request_confidence``): the question is answered and a person offered.
    """

    text: str
    language: str
    anger: float = 0.0
    asked_for_person: bool = False
    helped: bool = True
    complaint: float = 0.0
    repeat: float = 0.0
    maybe_person: bool = False


@dataclass(frozen=True)
class EscalationPolicy:
    anger_offer: float = 0.5
    anger_handoff: float = 0.85
    anger_sustained: int = 2
    anger_window: int = 3
    failed_turns: int = 3
    failed_turns_offer: int = 2
    sensitive_topics: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    complaint_offer: float = 0.5
    repeat_offer: float = 0.85
    person_phrases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Below this confidence Rasa's request_human alone is not taken as a request.
    request_confidence: float = 0.99

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
        elif turn.maybe_person:
            reasons.append(Reason("request", last, "the message may ask for a person"))
        topic = self.sensitive_topic(turn.text, turn.language)
        if topic is not None:
            reasons.append(Reason("sensitive", last, f"{topic[0]}: '{topic[1]}'"))
            handoff = True
        window = turns[-self.anger_window :]
        # Sustained: the customer is angry now and was upset (angry or complaining) before.
        angry = [
            t for t in window if t.anger >= self.anger_offer or t.complaint >= self.complaint_offer
        ]
        score = round(turn.anger, 3)
        if turn.anger >= self.anger_offer and len(angry) >= self.anger_sustained:
            evidence = f"anger or complaints in {len(angry)} of the last {len(window)} messages"
            reasons.append(Reason("anger", last, evidence, score))
            handoff = True
        elif turn.anger >= self.anger_handoff and turn.helped:
            # One furious message with a question the bot can answer gets the answer, an
            # apology and an offer; the customer decides. Nothing to answer: a person.
            evidence = "strong anger, with a question the bot answered"
            reasons.append(Reason("anger", last, evidence, score))
        elif turn.anger >= self.anger_handoff:
            reasons.append(Reason("anger", last, "strong anger", score))
            handoff = True
        elif turn.anger >= self.anger_offer:
            reasons.append(Reason("anger", last, "anger in this message", score))
        if turn.complaint >= self.complaint_offer:
            evidence = "a complaint in this message"
            reasons.append(Reason("complaint", last, evidence, round(turn.complaint, 3)))
        if turn.repeat >= self.repeat_offer:
            evidence = "the customer asked this before"
            reasons.append(Reason("repeat", last, evidence, round(turn.repeat, 3)))
        failures = _trailing(lambda t: not t.helped, turns)
        if failures >= self.failed_turns_offer:
            # Offered first: the customer decides, with one click, whether a person should
            # take over. Only when the misses go on does the bot hand off by itself.
            evidence = f"{failures} turns in a row without help"
            reasons.append(Reason("failure", last, evidence))
            handoff |= failures >= self.failed_turns
        if handoff:
            return Decision(Action.HANDOFF, (*reasons, *self._earlier(turns, reasons)))
        return Decision(Action.OFFER if reasons else Action.NONE, tuple(reasons))

    def _earlier(self, turns: Sequence[Turn], given: Sequence[Reason]) -> list[Reason]:
        """Anger and complaints earlier in the window, for a ticket that lists every reason."""
        signals = {reason.signal for reason in given}
        found: list[Reason] = []
        start = max(0, len(turns) - self.anger_window)
        for index in range(len(turns) - 2, start - 1, -1):
            earlier = turns[index]
            if "anger" not in signals and earlier.anger >= self.anger_offer:
                score = round(earlier.anger, 3)
                found.append(Reason("anger", index, "anger earlier in the conversation", score))
                signals.add("anger")
            if "complaint" not in signals and earlier.complaint >= self.complaint_offer:
                score = round(earlier.complaint, 3)
                found.append(Reason("complaint", index, "a complaint earlier on", score))
                signals.add("complaint")
        return found

    def sensitive_topic(self, text: str, language: str) -> tuple[str, str] | None:
        """The first sensitive topic ``text`` mentions, as (topic, phrase)."""
        for topic, by_language in self.sensitive_topics.items():
            phrase = _mentions(text, (*by_language.get(language, ()), *by_language.get("en", ())))
            if phrase is not None:
                return topic, phrase
        return None

    def asks_for_person(self, text: str, language: str) -> str | None:
        """The phrase of ``text`` that asks for a person ("talk to a human", "vraie
        personne"), in its language or English; None if it asks for none."""
        phrases = self.person_phrases
        return _mentions(text, (*phrases.get(language, ()), *phrases.get("en", ())))


def _mentions(text: str, phrases: Sequence[str]) -> str | None:
    """The first of ``phrases`` in ``text``, as whole words, case and accents ignored."""
    folded = _fold(text)
    for phrase in phrases:
        if re.search(rf"(?<!\w){re.escape(_fold(phrase))}(?!\w)", folded):
            return phrase
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
