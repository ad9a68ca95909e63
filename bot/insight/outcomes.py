"""One outcome per conversation and window, derived from what happened (issue 14).

Pure: the facts come in (:class:`Said` and :class:`TicketFacts`, read from the tracker
store and the ticket tables by :mod:`bot.insight.sources`), the records go out. The
definitions are in ``docs/analytics.md``; this module is their only implementation.

Each outcome is decided once per window, whatever the number of events in it, and the
handoff wins within its window: a conversation the bot answered and then handed over
counts as a handoff, never as both.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

RESOLVED = "automated_resolution"
HANDOFF = "handoff"
ABANDONED = "abandoned"
NO_ANSWER = "no_answer"
OUTCOMES = (RESOLVED, HANDOFF, ABANDONED, NO_ANSWER)

#: Handoff reason categories, in the order that names a ticket with several reasons:
#: what the customer asked for first, then what the bot noticed.
REASONS = ("request", "sensitive", "anger", "missing_knowledge", "failure")
_SIGNAL_CATEGORY = {
    "request": "request",
    "sensitive": "sensitive",
    "anger": "anger",
    "complaint": "anger",
    "failure": "failure",
    "repeat": "failure",
}
#: Bot message kinds that settle what a customer's turn got from the knowledge base.
_VERDICTS = {"answer", "clarify", "no_answer", "offer"}


@dataclass(frozen=True)
class Said:
    """One message in a conversation.

    Attributes:
        at: When it was said (aware).
        who: ``customer`` or ``bot``.
        kind: For the bot, the message kind (``answer``, ``clarify``...); for the
            customer, the intent (``faq_choose``, ``faq_none``, ``request_human``...).
        entry: The FAQ entry answered, or chosen by a click.
        channel: The customer's channel.
        language: The conversation's language at that moment.
    """

    at: datetime
    who: str
    kind: str = ""
    entry: str | None = None
    channel: str = ""
    language: str = ""


@dataclass(frozen=True)
class TicketFacts:
    """What Frontline's ticket tables know of one handoff."""

    id: str
    created_at: datetime
    signals: tuple[str, ...]
    queued: bool = False  # opened after hours, waiting for opening time
    first_agent_reply_at: datetime | None = None
    closed_at: datetime | None = None
    csat: int | None = None


@dataclass(frozen=True)
class Outcome:
    """One conversation window, as the report and the CSV show it."""

    sender_id: str
    window_start: datetime
    last_message_at: datetime
    channel: str
    language: str
    customer_messages: int
    entries_answered: tuple[str, ...]
    clarifications: int
    choices: tuple[str, ...]  # entries picked from clarifications; "none" for none of these
    outcome: str
    handoff_reason: str = ""
    after_hours: bool = False
    reopen_count: int = 0
    ticket_id: str = ""
    first_response_s: float | None = None
    resolution_s: float | None = None
    first_response_business_s: float | None = None
    resolution_business_s: float | None = None
    csat: int | None = None


OpenSeconds = Callable[[datetime, datetime], float]


def derive(
    sender_id: str,
    said: Sequence[Said],
    tickets: Iterable[TicketFacts],
    *,
    window: timedelta,
    reopen_gap: timedelta,
    open_seconds: OpenSeconds,
) -> list[Outcome]:
    """The outcomes of one conversation, one per window, oldest first.

    A window opens with a customer message and holds every message until ``window``
    after it; the next customer message after that opens the next window.
    ``open_seconds(a, b)`` counts business-hours seconds between two moments.
    """
    ordered = sorted(said, key=lambda s: s.at)
    remaining = sorted(tickets, key=lambda t: t.created_at)
    outcomes: list[Outcome] = []
    for start, part in _windows(ordered, window):
        end = start + window
        inside = [t for t in remaining if t.created_at < end]
        remaining = remaining[len(inside) :]
        outcomes.append(
            _one(sender_id, start, part, inside, reopen_gap=reopen_gap, open_seconds=open_seconds)
        )
    return outcomes


def _windows(said: list[Said], window: timedelta) -> list[tuple[datetime, list[Said]]]:
    windows: list[tuple[datetime, list[Said]]] = []
    for message in said:
        if not windows and message.who != "customer":
            continue  # the bot's greeting before anyone wrote belongs to no window
        if message.who == "customer" and (not windows or message.at >= windows[-1][0] + window):
            windows.append((message.at, []))
        windows[-1][1].append(message)
    return windows


def _one(
    sender_id: str,
    start: datetime,
    said: list[Said],
    tickets: list[TicketFacts],
    *,
    reopen_gap: timedelta,
    open_seconds: OpenSeconds,
) -> Outcome:
    customer = [s for s in said if s.who == "customer"]
    bot = [s for s in said if s.who == "bot"]
    answered = tuple(dict.fromkeys(s.entry for s in bot if s.kind == "answer" and s.entry))
    choices = tuple(
        "none" if s.kind == "faq_none" else str(s.entry)
        for s in customer
        if s.kind == "faq_none" or (s.kind == "faq_choose" and s.entry)
    )
    ticket = tickets[0] if tickets else None
    outcome, reason = _verdict(said, ticket)
    human = _human_times(ticket, open_seconds)
    return Outcome(
        sender_id=sender_id,
        window_start=start,
        last_message_at=said[-1].at,
        channel=customer[0].channel,
        language=customer[-1].language or customer[0].language,
        customer_messages=len(customer),
        entries_answered=answered,
        clarifications=sum(1 for s in bot if s.kind == "clarify"),
        choices=choices,
        outcome=outcome,
        handoff_reason=reason,
        after_hours=bool(ticket and ticket.queued),
        reopen_count=_reopens(said, tickets, reopen_gap),
        ticket_id=ticket.id if ticket else "",
        csat=ticket.csat if ticket else None,
        **human,
    )


def _verdict(said: list[Said], ticket: TicketFacts | None) -> tuple[str, str]:
    if ticket is not None:
        return HANDOFF, _category(ticket.signals, said)
    verdicts = [s.kind for s in said if s.who == "bot" and s.kind in _VERDICTS]
    if not verdicts:
        return ABANDONED, ""  # greetings only: the customer left before asking
    last = verdicts[-1]
    if last == "answer":
        return RESOLVED, ""
    if last == "no_answer":
        return NO_ANSWER, ""
    # A question or an offer the customer never took up.
    replied = said[-1].who == "customer"
    return (NO_ANSWER if replied else ABANDONED), ""


def _category(signals: Sequence[str], said: list[Said]) -> str:
    found = {_SIGNAL_CATEGORY.get(signal, "failure") for signal in signals} or {"failure"}
    kinds = {s.kind for s in said if s.who == "bot"}
    if "failure" in found and "answer" not in kinds and "no_answer" in kinds:
        # Misses and never an answer: the knowledge base does not cover the question.
        found = (found - {"failure"}) | {"missing_knowledge"}
    return next(category for category in REASONS if category in found)


def _reopens(said: list[Said], tickets: list[TicketFacts], gap: timedelta) -> int:
    """Customer messages that came back to a settled conversation.

    Settled means a ticket was closed since the customer last wrote, or the bot's
    answer was followed by ``gap`` of silence.
    """
    closes = [t.closed_at for t in tickets if t.closed_at is not None]
    count = 0
    last_customer: datetime | None = None
    for before, after in itertools.pairwise(said):
        if after.who != "customer":
            continue
        if before.who == "customer":
            last_customer = before.at
        closed = last_customer is not None and any(last_customer < c <= after.at for c in closes)
        quiet = before.who == "bot" and before.kind == "answer" and after.at - before.at >= gap
        count += closed or quiet
        last_customer = after.at
    return count


def _human_times(ticket: TicketFacts | None, open_seconds: OpenSeconds) -> dict[str, float | None]:
    times: dict[str, float | None] = {
        "first_response_s": None,
        "resolution_s": None,
        "first_response_business_s": None,
        "resolution_business_s": None,
    }
    if ticket is None:
        return times
    for name, moment in (
        ("first_response", ticket.first_agent_reply_at),
        ("resolution", ticket.closed_at),
    ):
        if moment is not None:
            times[f"{name}_s"] = (moment - ticket.created_at).total_seconds()
            times[f"{name}_business_s"] = open_seconds(ticket.created_at, moment)
    return times
