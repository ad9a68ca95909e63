"""The Slack agent relay against the recording fake Web API, with tickets on a SQLite file."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack import SlackInput
from bot.channels.slack.agent_relay import SlackAgentRelay
from bot.settings import Settings
from bot.store.db import create_database, session_factory
from bot.store.tickets import Ticket, TicketMessage, Tickets
from tests.auxil.fake_api import Failure
from tests.auxil.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack

AGENTS = "CAGENTS"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def tickets(tmp_path: Path) -> Tickets:
    return Tickets(sessions=session_factory(create_database(f"sqlite:///{tmp_path / 'f.db'}")))


def relay(api: FakeSlack, tickets: Tickets) -> SlackAgentRelay:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=api.base_url)
    return SlackAgentRelay(client=client, channel_id=AGENTS, tickets=tickets)


def open_ticket(tickets: Tickets) -> Ticket:
    return tickets.open(
        sender_id="slack-T1-UCUSTOMER1",
        channel="slack",
        language="en",
        reasons=[{"signal": "request", "message": 1, "evidence": "a human please", "score": None}],
        profile={"platform": "slack", "user_id": "UCUSTOMER1", "display_name": "Ana"},
        transcript=[
            TicketMessage(T0, "customer", "where is my order?"),
            TicketMessage(T0 + timedelta(seconds=5), "bot", "You can track it ..."),
            TicketMessage(T0 + timedelta(seconds=40), "customer", "a human please <!channel>"),
        ],
        summary="Order missing",
    )


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        str(element["action_id"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_a_new_ticket_gets_a_card_with_buttons_and_its_transcript_in_the_thread(
    slack_api: FakeSlack, tickets: Tickets
) -> None:
    ticket = open_ticket(tickets)
    asyncio.run(relay(slack_api, tickets).ticket_opened(ticket))

    card, transcript = slack_api.calls_to("chat.postMessage")
    assert card.params["channel"] == AGENTS and "thread_ts" not in card.params
    assert action_ids(card.params["blocks"]) == ["ticket_claim", "ticket_resolve", "ticket_return"]
    ts = slack_api.ts_of(card)
    stored = tickets.get(ticket.id)
    assert stored is not None and (stored.slack_channel, stored.slack_ts) == (AGENTS, ts)
    assert tickets.by_slack_thread(AGENTS, ts) == stored
    assert transcript.params["thread_ts"] == ts
    lines = transcript.params["text"].splitlines()
    assert lines[1:] == [
        "`09:00` *Ana*: where is my order?",
        "`09:00` *Bot*: You can track it ...",
        "`09:00` *Ana*: a human please &lt;!channel&gt;",
    ]


def test_messages_and_changes_follow_in_the_thread_and_update_the_card(
    slack_api: FakeSlack, tickets: Tickets
) -> None:
    agents = relay(slack_api, tickets)
    opened = open_ticket(tickets)
    asyncio.run(agents.ticket_opened(opened))
    ticket = tickets.get(opened.id)
    assert ticket is not None and ticket.slack_ts is not None
    ts = ticket.slack_ts
    said = TicketMessage(T0 + timedelta(minutes=1), "customer", "hello? & <@U1>")
    by_agent = TicketMessage(T0 + timedelta(minutes=2), "agent", "Hi Ana", name="Alice")

    async def scenario() -> None:
        await agents.message_added(ticket, said, "slack")  # a Slack customer: shown
        await agents.message_added(ticket, by_agent, "slack")  # written in the thread: not again
        await agents.message_added(ticket, by_agent, "inbox")  # from the inbox: shown
        tickets.claim(ticket.id, "Alice")
        await agents.ticket_changed(tickets.get(ticket.id), "claimed", "Alice")  # type: ignore[arg-type]
        tickets.resolve(ticket.id)
        await agents.ticket_changed(tickets.get(ticket.id), "resolved", "Alice")  # type: ignore[arg-type]

    asyncio.run(scenario())
    thread = [c.params["text"] for c in slack_api.calls_to("chat.postMessage", thread_ts=ts)]
    assert thread[1:] == [
        "`09:01` *Ana*: hello? &amp; &lt;@U1&gt;",
        "`09:02` *Alice (agent)*: Hi Ana",
        "Claimed by Alice",
        "Resolved by Alice — the bot is back",
    ]
    claimed, resolved = slack_api.calls_to("chat.update")
    assert claimed.params["ts"] == ts and claimed.params["channel"] == AGENTS
    assert action_ids(claimed.params["blocks"]) == ["ticket_resolve", "ticket_return"]
    assert "Claimed by Alice" in str(claimed.params["blocks"])
    assert action_ids(resolved.params["blocks"]) == []


def test_a_reminder_is_broadcast_to_the_channel(slack_api: FakeSlack, tickets: Tickets) -> None:
    agents = relay(slack_api, tickets)
    asyncio.run(agents.ticket_opened(open_ticket(tickets)))
    [ticket] = tickets.listing()
    asyncio.run(agents.reminder(ticket, 15))
    reminder = slack_api.calls_to("chat.postMessage")[-1]
    assert reminder.params["thread_ts"] == ticket.slack_ts
    assert str(reminder.params["reply_broadcast"]).lower() == "true"
    assert "15 min" in reminder.params["text"]


def test_without_a_card_messages_and_changes_post_nothing(
    slack_api: FakeSlack, tickets: Tickets
) -> None:
    agents = relay(slack_api, tickets)
    ticket = open_ticket(tickets)

    async def scenario() -> None:
        await agents.message_added(ticket, TicketMessage(T0, "customer", "hi"), "telegram")
        await agents.ticket_changed(ticket, "claimed", "Alice")

    asyncio.run(scenario())
    assert slack_api.calls_to("chat.postMessage") == slack_api.calls_to("chat.update") == []


def test_slack_failing_is_logged_redacted_and_swallowed(
    slack_api: FakeSlack, tickets: Tickets, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    agents = relay(slack_api, tickets)
    ticket = open_ticket(tickets)
    slack_api.fail_next(
        "chat.postMessage", Failure(500, {"ok": False, "error": "text='ana@example.com'"})
    )
    asyncio.run(agents.ticket_opened(ticket))  # does not raise
    stored = tickets.get(ticket.id)
    assert stored is not None and stored.slack_ts is None
    assert "could not post the card" in caplog.text and "ana@example.com" not in caplog.text

    # A reminder for a ticket whose card never made it posts the card first.
    asyncio.run(agents.reminder(stored, 10))
    posted = tickets.get(ticket.id)
    assert posted is not None and posted.slack_ts is not None
    assert slack_api.calls_to("chat.postMessage")[-1].params["thread_ts"] == posted.slack_ts

    slack_api.fail_next("chat.update", Failure(500, {"ok": False, "error": "fatal_error"}))
    asyncio.run(agents.ticket_changed(posted, "claimed", "Alice"))  # does not raise either
    assert slack_api.calls_to("chat.postMessage")[-1].params["text"] == "Claimed by Alice"


def test_the_slack_channel_has_a_relay_only_with_an_agent_channel(tmp_path: Path) -> None:
    def channel(agent_channel: str) -> SlackInput:
        settings = Settings(
            var_dir=tmp_path,
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_agent_channel=agent_channel,
        )
        built = SlackInput.from_settings(settings)
        assert isinstance(built, SlackInput)
        return built

    assert channel("").agent_relay() is None and channel("").agent_listeners() is None
    on = channel(AGENTS)
    assert isinstance(on.agent_relay(), SlackAgentRelay)
    listeners = on.agent_listeners()
    assert listeners is not None and listeners.agent_channel == AGENTS
