"""Business hours in a turn: the notice once per closed period, in the customer's zone,
a closure's own message, and the queue at opening time."""

from __future__ import annotations

from dataclasses import replace

from bot.hours.config import parse_hours
from bot.turn.context import TurnContext
from bot.turn.turn import take_turn
from tests.auxil.hours import HOURS, MONDAY_NOON, SUNDAY_NIGHT, WINTER_BREAK
from tests.auxil.turns import Chat, engines, kinds

FAQ = {"where is my order": ("answer", ["track-order"])}


def calendar_engines():  # the test calendar instead of the shipped hours.yml
    return replace(engines(FAQ), hours=parse_hours(HOURS))


def test_open_hours_say_nothing_about_hours() -> None:
    bot = Chat(calendar_engines(), now=MONDAY_NOON)
    assert kinds(bot.say("where is my order")) == ["answer"]


def test_the_notice_is_given_once_per_closed_period_in_the_customers_zone() -> None:
    first = TurnContext(
        sender_id="c",
        text="where is my order",
        intent="faq",
        channel="web",
        now=SUNDAY_NIGHT,
        metadata={"timezone": "America/New_York"},
        first_of_session=True,
    )
    reply = take_turn(first, engines=calendar_engines())
    assert kinds(reply) == ["answer", "after_hours"]
    notice = reply.messages[-1].text.replace("\u202f", " ")
    assert "Monday, November 23, 2026 at 3:00 AM (Eastern Standard Time)" in notice
    again = replace(first, state=reply.state, first_of_session=True)
    assert kinds(take_turn(again, engines=calendar_engines())) == ["answer"]


def test_a_closure_says_its_own_message() -> None:
    bot = Chat(calendar_engines(), now=WINTER_BREAK)
    notice = bot.say("where is my order").messages[-1]
    assert notice.kind == "after_hours" and notice.text.startswith("We're on winter break.")


def test_a_request_after_hours_is_queued_for_opening_time() -> None:
    bot = Chat(calendar_engines(), now=SUNDAY_NIGHT)
    reply = bot.say("a person please", intent="request_human")
    assert kinds(reply)[0] == "queued" and not reply.pause
    assert reply.ticket is not None and reply.ticket.due_at is not None
    assert reply.ticket.due_at.isoformat() == "2026-11-23T09:00:00+01:00"
