"""What the bot has for the customer's message, before it decides how to say it. Pure.

A question goes to the FAQ engine; a click or a typed number settles an open
clarification; small talk has its own text. The outcome also says whether the bot
helped, which the escalation policy counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.faq.index import Hit
from bot.faq.matcher import Outcome as FaqVerdict
from bot.faq.schema import FaqEntry
from bot.faq.service import FaqResult
from bot.handoff.context import TurnRecord
from bot.handoff.cues import unshouted
from bot.turn.engines import TurnEngines
from bot.turn.reading import Move, Reading
from bot.turn.state import ConversationState, Pending


@dataclass(frozen=True)
class Found:
    """The bot's material for this turn.

    Attributes:
        kind: ``answer``, ``clarify``, ``no_answer``, ``chat``, ``gone`` (a choice whose
            entry was removed), ``none_chosen``, ``person``, ``language``.
        entries: The answered entry, or the entries to choose from.
        chat: The catalog text for small talk.
        hits: The FAQ's best matches, best first.
        verdict: The FAQ's own verdict, if it was asked.
    """

    kind: str
    entries: tuple[FaqEntry, ...] = ()
    chat: str | None = None
    hits: tuple[Hit, ...] = ()
    verdict: str | None = None


FOLLOW_UP_WORDS = 10  # a follow-up is short: "and how long does it take to get there?"


def find(
    reading: Reading,
    text: str,
    *,
    engines: TurnEngines,
    before: str | None = None,
    language: str | None = None,
) -> Found:
    """Consult the FAQ (or not) for what the message asks.

    ``before`` is the customer's previous question: a short message the FAQ cannot place
    on its own ("and how much is it?") is asked again with it ("Do you ship to
    Switzerland? and how much is it?"), and that answer is taken if it is one.
    ``language`` is the customer's: the FAQ may route it to an index of its own.
    """
    if reading.move is Move.CHOICE:
        entry = engines.faq.entry(reading.entry or "")
        return Found("answer", (entry,)) if entry is not None else Found("gone")
    if reading.move is Move.NONE_OF_THESE:
        return Found("none_chosen")
    if reading.move is Move.PERSON:
        return Found("person")
    if reading.move is Move.CHAT:
        return Found("chat", chat=reading.chat)
    result = engines.faq.ask(unshouted(text), language=language)
    if (
        before
        and result.decision.outcome is not FaqVerdict.ANSWER
        and len(text.split()) <= FOLLOW_UP_WORDS
    ):
        result = _with_context(result, text, before, engines=engines, language=language)
    verdict = result.decision.outcome
    hits = result.decision.hits
    if verdict is FaqVerdict.ANSWER:
        return Found("answer", result.entries, hits=hits, verdict=verdict.value)
    small_talk = reading.chat is not None and not reading.asks
    if verdict is FaqVerdict.CLARIFY and not small_talk:
        return Found("clarify", result.entries, hits=hits, verdict=verdict.value)
    if small_talk:  # "alles klar, danke trotzdem": small talk after all
        return Found("chat", chat=reading.chat, hits=hits, verdict=verdict.value)
    return Found("no_answer", hits=hits, verdict=verdict.value)


def _with_context(
    alone: FaqResult, text: str, before: str, *, engines: TurnEngines, language: str | None
) -> FaqResult:
    """The answer to ``text`` read after ``before``, when the context settles it.

    The context answer is taken only if it is new (not what ``before`` alone gets: that
    would be the earlier question speaking, not this one) and, when ``text`` alone
    already has candidates, one of them: context may choose between readings, never
    replace them with an unrelated entry.
    """
    followed = engines.faq.ask(unshouted(f"{before} {text}"), language=language)
    if followed.decision.outcome is not FaqVerdict.ANSWER or not followed.entries:
        return alone
    entry = followed.entries[0].id
    if alone.decision.outcome is FaqVerdict.CLARIFY and entry not in {e.id for e in alone.entries}:
        return alone
    earlier = engines.faq.ask(unshouted(before), language=language)
    if earlier.decision.outcome is FaqVerdict.ANSWER and earlier.entries[0].id == entry:
        return alone
    return followed


def remember(
    state: ConversationState, found: Found, record: TurnRecord | None, *, language: str, text: str
) -> ConversationState:
    """The records and the open clarification after ``found``.

    A clarification is pending, not a failure. It is settled by a choice (the question
    was helped), by "none of these" (a failure), or by another miss (a failure too);
    anything else the customer asks simply drops it.
    """
    records = list(state.records)
    pending = state.pending
    settles = record is None and found.kind in ("answer", "gone", "none_chosen")
    if pending is not None and records and settles:  # a click or a typed number
        records[-1] = replace(records[-1], helped=found.kind == "answer")
        pending = None
    if pending is not None and records and found.kind == "no_answer":
        records[-1] = replace(records[-1], helped=False)
    if record is not None:
        faq = tuple({"id": hit.entry_id, "score": round(hit.score, 4)} for hit in found.hits[:3])
        helped = found.kind != "no_answer"
        records.append(replace(record, helped=helped, faq=faq))
        if found.kind != "chat":
            pending = None
        if found.kind == "clarify":
            pending = Pending(text, language, tuple(e.id for e in found.entries))
    elif found.kind in ("answer", "gone", "none_chosen"):
        pending = None
    return replace(state, records=tuple(records), pending=pending)
