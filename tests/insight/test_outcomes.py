"""Outcome derivation on every path (docs/analytics.md): one outcome per window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.eval.traffic import business_hours
from bot.insight.analytics import open_seconds
from bot.insight.outcomes import Outcome, Said, TicketFacts, derive

T0 = datetime(2026, 11, 3, 10, 0, tzinfo=timezone.utc)  # a Tuesday, open hours
S = timedelta(seconds=1)


def customer(at: timedelta, intent: str = "faq", entry: str | None = None) -> Said:
    return Said(T0 + at, "customer", intent, entry, "telegram", "de")


def bot(at: timedelta, kind: str, entry: str | None = None) -> Said:
    return Said(T0 + at, "bot", kind, entry, "telegram", "de")


def one(said: list[Said], tickets: tuple[TicketFacts, ...] = ()) -> Outcome:
    [outcome] = outcomes(said, tickets)
    return outcome


def outcomes(said: list[Said], tickets: tuple[TicketFacts, ...] = ()) -> list[Outcome]:
    return derive(
        "telegram:1",
        said,
        tickets,
        window=timedelta(hours=24),
        reopen_gap=timedelta(hours=1),
        open_seconds=open_seconds(business_hours()),
    )


def ticket(at: timedelta, *signals: str, **facts: object) -> TicketFacts:
    return TicketFacts(id="t-1", created_at=T0 + at, signals=signals, **facts)  # type: ignore[arg-type]


def test_an_answered_question_is_an_automated_resolution() -> None:
    outcome = one([customer(0 * S), bot(1 * S, "answer", "shipping_time")])
    assert (outcome.outcome, outcome.entries_answered) == (
        "automated_resolution",
        ("shipping_time",),
    )
    assert (outcome.channel, outcome.language, outcome.customer_messages) == ("telegram", "de", 1)


def test_a_clarification_then_a_choice_is_resolved_and_records_the_choice() -> None:
    outcome = one(
        [
            customer(0 * S),
            bot(1 * S, "clarify"),
            customer(9 * S, "faq_choose", "returns"),
            bot(10 * S, "answer", "returns"),
        ]
    )
    assert outcome.outcome == "automated_resolution"
    assert (outcome.clarifications, outcome.choices) == (1, ("returns",))


def test_none_of_these_is_no_answer() -> None:
    outcome = one(
        [
            customer(0 * S),
            bot(1 * S, "clarify"),
            customer(9 * S, "faq_none"),
            bot(10 * S, "no_answer"),
        ]
    )
    assert (outcome.outcome, outcome.choices) == ("no_answer", ("none",))


def test_a_clarification_left_unanswered_is_abandoned() -> None:
    assert one([customer(0 * S), bot(1 * S, "clarify")]).outcome == "abandoned"
    assert one([customer(0 * S, "greet"), bot(1 * S, "chat")]).outcome == "abandoned"


def test_a_request_for_a_person_is_a_handoff_with_the_human_times() -> None:
    said = [customer(0 * S, "request_human"), bot(1 * S, "handoff"), bot(3601 * S, "with_team")]
    facts = ticket(
        1 * S, "request", first_agent_reply_at=T0 + 601 * S, closed_at=T0 + 3600 * S, csat=4
    )
    outcome = one(said, (facts,))
    assert (outcome.outcome, outcome.handoff_reason, outcome.csat) == ("handoff", "request", 4)
    assert (outcome.first_response_s, outcome.resolution_s) == (600.0, 3599.0)
    assert outcome.first_response_business_s == 600.0  # all of it in open hours


def test_the_handoff_wins_over_an_earlier_answer_in_its_window() -> None:
    said = [
        customer(0 * S),
        bot(1 * S, "answer", "refunds"),
        customer(60 * S),
        bot(61 * S, "handoff"),
    ]
    outcome = one(said, (ticket(61 * S, "anger", "complaint"),))
    assert (outcome.outcome, outcome.handoff_reason) == ("handoff", "anger")
    assert outcome.entries_answered == ("refunds",)  # still counted for the entry


@pytest.mark.parametrize(
    ("signals", "bot_kinds", "reason"),
    [
        (("failure",), ["no_answer", "no_answer"], "missing_knowledge"),
        (("failure", "repeat"), ["answer", "no_answer"], "failure"),
        (("sensitive", "anger"), ["answer"], "sensitive"),
        (("anger", "request"), ["answer"], "request"),
    ],
)
def test_the_reason_category(signals: tuple[str, ...], bot_kinds: list[str], reason: str) -> None:
    said = [
        m
        for n, kind in enumerate(bot_kinds)
        for m in (customer(n * 10 * S), bot((n * 10 + 1) * S, kind, "x"))
    ]
    assert one(said, (ticket(100 * S, *signals),)).handoff_reason == reason


def test_an_after_hours_ticket_counts_business_hours_from_opening_time() -> None:
    night = timedelta(hours=9)  # Tuesday 19:00, closed; opens Wednesday 09:00
    replied = T0 + timedelta(hours=23, minutes=20)  # Wednesday 09:20
    facts = ticket(night, "request", queued=True, first_agent_reply_at=replied)
    outcome = one([customer(night, "request_human"), bot(night + S, "queued")], (facts,))
    assert outcome.after_hours
    assert outcome.first_response_s == pytest.approx(14 * 3600 + 20 * 60)
    assert outcome.first_response_business_s == 20 * 60


def test_coming_back_after_a_settled_answer_or_a_closed_ticket_is_a_reopen() -> None:
    said = [
        customer(0 * S),
        bot(1 * S, "answer", "a"),
        customer(timedelta(hours=2)),  # after an hour of silence: reopened
        bot(timedelta(hours=2) + S, "handoff"),
        bot(timedelta(hours=3), "with_team"),
        customer(timedelta(hours=4)),  # after the ticket was closed: reopened again
        bot(timedelta(hours=4) + S, "answer", "b"),
        customer(timedelta(hours=4, minutes=5)),  # a quick follow-up is not a reopen
    ]
    facts = ticket(timedelta(hours=2) + S, "request", closed_at=T0 + timedelta(hours=3))
    assert one(said, (facts,)).reopen_count == 2


def test_a_customer_back_after_the_window_opens_a_new_one_each_with_one_outcome() -> None:
    said = [
        customer(0 * S),
        bot(1 * S, "answer", "a"),
        customer(5 * S),
        bot(6 * S, "answer", "b"),
        customer(timedelta(days=2)),
        bot(timedelta(days=2) + S, "no_answer"),
    ]
    first, second = outcomes(said)
    assert (first.outcome, first.customer_messages, first.entries_answered) == (
        "automated_resolution",
        2,
        ("a", "b"),
    )
    assert (second.outcome, second.window_start) == ("no_answer", T0 + timedelta(days=2))


def test_a_ticket_belongs_to_the_window_it_was_opened_in() -> None:
    later = timedelta(days=2)
    said = [
        customer(0 * S),
        bot(1 * S, "answer", "a"),
        customer(later, "request_human"),
        bot(later + S, "handoff"),
    ]
    first, second = outcomes(said, (ticket(later + S, "request"),))
    assert (first.outcome, second.outcome) == ("automated_resolution", "handoff")


def test_many_events_still_make_one_outcome() -> None:
    said = [
        m for n in range(50) for m in (customer(n * 60 * S), bot((n * 60 + 1) * S, "answer", "a"))
    ]
    assert len(outcomes(said)) == 1
