"""The agent desk (bot/handoff/desk.py) on real tickets in SQLite, with a recording
conversation store, recording relays and a clock the test moves."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from bot.handoff.desk import Desk
from bot.hours.config import parse_hours
from bot.settings import Settings
from bot.store.db import create_database, session_factory
from bot.store.tickets import Ticket, TicketError, TicketMessage, Tickets
from bot.tone.texts import bot_texts
from tests.auxil.hours import HOURS

OPENED = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


@dataclass
class RecordingConversations:
    """Stands in for Rasa's tracker: what was said, paused and resumed."""

    said: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    async def say(
        self, sender_id: str, text: str, *, output: OutputChannel | None, metadata: dict[str, Any]
    ) -> None:
        self.said.append((sender_id, text, metadata))
        if output is not None:
            await output.send_text_message(sender_id, text)

    async def pause(self, sender_id: str) -> list[dict[str, Any]]:
        self.paused.append(sender_id)
        return self.events

    async def resume(self, sender_id: str, *, output: OutputChannel | None) -> None:
        self.resumed.append(sender_id)


@dataclass
class RecordingRelay:
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    async def ticket_opened(self, ticket: Ticket) -> None:
        self.calls.append(("opened", ticket.id))

    async def message_added(self, ticket: Ticket, message: TicketMessage, origin: str) -> None:
        self.calls.append(("message", message.author, message.name, message.text, origin))

    async def ticket_changed(self, ticket: Ticket, event: str, agent: str | None) -> None:
        self.calls.append((event, agent, ticket.status))

    async def reminder(self, ticket: Ticket, waited_minutes: int) -> None:
        self.calls.append(("reminder", waited_minutes))


class BrokenRelay(RecordingRelay):
    async def ticket_opened(self, ticket: Ticket) -> None:
        raise RuntimeError("helpdesk down")


@dataclass
class World:
    desk: Desk
    tickets: Tickets
    conversations: RecordingConversations
    relay: RecordingRelay
    output: CollectingOutputChannel
    now: list[datetime]

    def tick(self, at: datetime) -> None:
        self.now[0] = at
        asyncio.run(self.desk.tick())

    def ticket(self, *, due_at: datetime | None = None) -> Ticket:
        return self.tickets.open(
            sender_id="telegram-7",
            channel="telegram",
            language="de",
            reasons=[{"signal": "request", "message": 0, "evidence": "asked", "score": None}],
            profile={"display_name": "Grace"},
            transcript=[TicketMessage(at=OPENED, author="customer", text="Hallo")],
            due_at=due_at,
        )


@pytest.fixture
def world(tmp_path: Path) -> World:
    settings = Settings(var_dir=tmp_path)
    tickets = Tickets(sessions=session_factory(create_database(settings.database_url_or_default)))
    conversations, relay, output = (
        RecordingConversations(),
        RecordingRelay(),
        CollectingOutputChannel(),
    )
    now = [OPENED]
    desk = Desk(
        tickets=tickets,
        conversations=conversations,
        outputs=lambda ticket: output,
        relays=[BrokenRelay(), relay],
        texts=bot_texts(settings),
        hours=parse_hours(HOURS),
        remind_after=timedelta(minutes=10),
        clock=lambda: now[0],
    )
    return World(desk, tickets, conversations, relay, output, now)


def test_a_new_ticket_is_posted_once_even_when_a_relay_fails(world: World) -> None:
    ticket = world.ticket()
    world.tick(OPENED)
    world.tick(OPENED + timedelta(seconds=2))
    assert world.relay.calls == [("opened", ticket.id)]
    assert world.desk.handed_off("telegram-7")


def test_an_agent_reply_claims_reaches_the_customer_and_is_recorded_with_the_name(
    world: World,
) -> None:
    ticket = world.ticket()
    asyncio.run(world.desk.reply(ticket.id, agent="Alice", text="Ich schaue nach.", origin="slack"))

    joined, reply = world.conversations.said
    assert joined[1] == "Alice aus unserem Team ist jetzt im Gespräch."
    assert reply == (
        "telegram-7",
        "Ich schaue nach.",
        {"author": "agent", "agent": "Alice", "ticket": ticket.id},
    )
    assert [m["text"] for m in world.output.messages] == [joined[1], "Ich schaue nach."]
    assert ("claimed", "Alice", "claimed") in world.relay.calls
    assert world.relay.calls[-1] == ("message", "agent", "Alice", "Ich schaue nach.", "slack")
    stored = world.tickets.get(ticket.id)
    assert stored is not None and stored.claimed_by == "Alice"
    assert [(m.author, m.name) for m in stored.transcript][-1] == ("agent", "Alice")


def test_customer_messages_reach_the_agents_only_while_a_person_has_it(world: World) -> None:
    ticket = world.ticket()
    asyncio.run(world.desk.customer_wrote("telegram-7", "Noch da?"))
    assert world.relay.calls == [("message", "customer", "Grace", "Noch da?", "customer")]
    asyncio.run(world.desk.close(ticket.id, agent="Alice", returned=False, origin="inbox"))
    asyncio.run(world.desk.customer_wrote("telegram-7", "Danke"))
    assert world.relay.calls[-1] == ("resolved", "Alice", "resolved")
    assert world.conversations.resumed == ["telegram-7"]
    assert not world.desk.handed_off("telegram-7")


def test_a_closed_ticket_takes_no_more_replies(world: World) -> None:
    ticket = world.ticket()
    asyncio.run(world.desk.close(ticket.id, agent="Bob", returned=True, origin="slack"))
    assert world.relay.calls == [("returned", "Bob", "returned")]
    with pytest.raises(TicketError):
        asyncio.run(world.desk.reply(ticket.id, agent="Bob", text="hi", origin="slack"))
    with pytest.raises(LookupError):
        asyncio.run(world.desk.claim("no-such-ticket", agent="Bob", origin="slack"))


def test_an_unclaimed_ticket_reminds_agents_and_tells_the_customer_the_wait_once(
    world: World,
) -> None:
    world.ticket()
    world.tick(OPENED)
    world.tick(OPENED + timedelta(minutes=9))
    assert [c[0] for c in world.relay.calls] == ["opened"]
    world.tick(OPENED + timedelta(minutes=11))
    world.tick(OPENED + timedelta(minutes=22))
    assert world.relay.calls[1:] == [("reminder", 11), ("reminder", 22)]
    [(_, wait, _)] = world.conversations.said  # the customer hears it once
    assert wait == (
        "Danke für deine Geduld. Unser Team ist gerade voll beschäftigt; "
        "in etwa 30 Minuten ist jemand für dich da."
    )


def test_a_queued_ticket_is_announced_at_opening_time_with_what_was_said_meanwhile(
    world: World,
) -> None:
    opening = OPENED + timedelta(hours=8)
    ticket = world.ticket(due_at=opening)
    later = (OPENED + timedelta(hours=1)).timestamp()
    world.conversations.events = [
        {"event": "user", "text": "Hallo", "timestamp": OPENED.timestamp()},
        {"event": "user", "text": "Wo ist mein Paket?", "timestamp": later},
        {"event": "bot", "text": "Hier ist die Sendungsverfolgung.", "timestamp": later + 1},
    ]
    world.tick(opening - timedelta(minutes=1))
    assert world.relay.calls == [] and not world.desk.handed_off("telegram-7")
    world.tick(opening)
    assert world.relay.calls == [("opened", ticket.id)]
    assert world.conversations.paused == ["telegram-7"]
    stored = world.tickets.get(ticket.id)
    assert stored is not None and stored.status == "open"
    assert [(m.author, m.text) for m in stored.transcript] == [
        ("customer", "Hallo"),
        ("customer", "Wo ist mein Paket?"),
        ("bot", "Hier ist die Sendungsverfolgung."),
    ]


def test_an_agent_can_take_a_queued_ticket_early(world: World) -> None:
    ticket = world.ticket(due_at=OPENED + timedelta(hours=8))
    asyncio.run(world.desk.reply(ticket.id, agent="Alice", text="Guten Morgen", origin="inbox"))
    assert world.conversations.paused == ["telegram-7"]
    stored = world.tickets.get(ticket.id)
    assert stored is not None and (stored.status, stored.claimed_by) == ("claimed", "Alice")


def test_agents_hear_the_rating_once(world: World) -> None:
    ticket = world.ticket()
    asyncio.run(world.desk.close(ticket.id, agent="Alice", returned=False, origin="inbox"))
    world.tick(OPENED)
    assert ("rated", None, "resolved") not in world.relay.calls
    world.tickets.rate(ticket.id, 4)  # the action server stores it
    world.tick(OPENED + timedelta(seconds=2))
    world.tick(OPENED + timedelta(seconds=4))
    assert world.relay.calls.count(("rated", None, "resolved")) == 1
