"""Agents in the Slack agent channel: what is read from Slack, and where bolt routes it.

The routing tests send signed requests through the real bolt app (signature check,
``auth.test`` against the fake Web API, listener order) to a recording desk and a
recording Rasa entry point.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from rasa.core.channels.channel import UserMessage
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import ChannelBase
from bot.channels.slack.agent_events import (
    CLOSED_NOTE,
    AgentListeners,
    AgentReply,
    TicketAction,
    read_agent_reply,
    read_ticket_action,
)
from bot.channels.slack.bolt_app import build_bolt_app
from bot.channels.slack.events import BotIdentity
from bot.channels.slack.profiles import SlackProfiles
from bot.channels.slack.turns import SlackTurns
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog
from bot.store.tickets import TicketError, TicketMessage, Tickets
from tests.auxil.fake_slack import BOT_TOKEN, BOT_USER_ID, SIGNING_SECRET, TEAM_ID, FakeSlack

AGENTS = "CAGENTS"
CARD_TS = "1700000000.000100"
BOT = BotIdentity(user_id="UBOT", bot_id="BBOT")


def agent_event(**fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "channel": AGENTS,
        "channel_type": "channel",
        "user": "UAGENT1",
        "text": "On it",
        "ts": "1700000001.000200",
        "thread_ts": CARD_TS,
    }
    event.update(fields)
    return {"type": "event_callback", "team_id": TEAM_ID, "event": event}


def click(action_id: str, value: str = "t-1", channel: str = AGENTS) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": "UAGENT1", "team_id": TEAM_ID},
        "container": {"type": "message", "channel_id": channel, "message_ts": CARD_TS},
        "channel": {"id": channel},
        "message": {"ts": CARD_TS, "text": "card"},
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
    }


# The readers ---------------------------------------------------------------------------


def test_a_reply_in_a_cards_thread_is_the_agents_plain_text() -> None:
    body = agent_event(
        text="<@UBOT> Hi <@U7|ana>, track it <https://x.example/t|here> &amp; wait &lt;3"
    )
    assert read_agent_reply(body, agent_channel=AGENTS, bot=BOT) == AgentReply(
        channel=AGENTS,
        thread_ts=CARD_TS,
        user_id="UAGENT1",
        text="Hi @ana, track it here & wait <3",
    )
    broadcast = agent_event(subtype="thread_broadcast")
    assert read_agent_reply(broadcast, agent_channel=AGENTS, bot=BOT) is not None


@pytest.mark.parametrize(
    "body",
    [
        agent_event(thread_ts=None),  # not in a thread
        agent_event(ts=CARD_TS),  # the card itself
        agent_event(channel="COTHER"),
        agent_event(user="UBOT"),
        agent_event(bot_id="BOTHER", subtype="bot_message"),
        agent_event(subtype="message_changed"),
        agent_event(subtype="channel_join"),
        agent_event(text="   "),
        agent_event(text="<@UBOT>"),
        agent_event(type="app_mention"),
        {"type": "url_verification"},
    ],
)
def test_what_is_not_an_agents_reply_is_ignored(body: dict[str, Any]) -> None:
    assert read_agent_reply(body, agent_channel=AGENTS, bot=BOT) is None


def test_card_buttons_are_ticket_actions_and_nothing_else_is() -> None:
    assert read_ticket_action(click("ticket_claim")) == TicketAction(
        action_id="ticket_claim", ticket_id="t-1", user_id="UAGENT1", channel=AGENTS
    )
    assert read_ticket_action(click("ticket_return", "t-2")).ticket_id == "t-2"  # type: ignore[union-attr]
    assert read_ticket_action(click("choice-0")) is None
    assert read_ticket_action(click("ticket_claim", "")) is None
    assert read_ticket_action({"type": "view_submission"}) is None


# Routing through the bolt app ------------------------------------------------------------


@dataclass
class RecordingDesk:
    """The :class:`AgentDesk` as a recorder; ``refuse`` makes an action raise TicketError."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def reply(self, ticket_id: str, *, agent: str, text: str, origin: str) -> None:
        self.calls.append(("reply", ticket_id, agent, text, origin))

    async def claim(self, ticket_id: str, *, agent: str, origin: str) -> None:
        if "claim" in self.refuse:
            raise TicketError(f"ticket {ticket_id} is claimed")
        self.calls.append(("claim", ticket_id, agent, origin))

    async def close(self, ticket_id: str, *, agent: str, returned: bool, origin: str) -> None:
        self.calls.append(("close", ticket_id, agent, returned, origin))


class Customers:
    """Rasa's side of the customer channel: records what reaches it."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)


class SlackChannel(ChannelBase):
    @classmethod
    def name(cls) -> str:
        return "slack"


@dataclass
class Bot:
    app: AsyncApp
    desk: RecordingDesk
    customers: Customers
    tickets: Tickets
    ticket_id: str


@pytest.fixture
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The fake Slack, knowing the agent Alice."""
    slack_api.add_user("UAGENT1", display_name="Alice")
    return slack_api


@pytest.fixture
def bot(tmp_path: Path, slack_api: FakeSlack) -> Bot:
    sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'f.db'}"))
    tickets = Tickets(sessions=sessions)
    ticket = tickets.open(
        sender_id="slack-T0FRONTLINE-UCUSTOMER1",
        channel="slack",
        language="en",
        reasons=[{"signal": "request", "message": 1, "evidence": "human", "score": None}],
        profile={"platform": "slack", "user_id": "UCUSTOMER1", "display_name": "Ana"},
        transcript=[TicketMessage(datetime.now(timezone.utc), "customer", "a human please")],
    )
    tickets.set_slack_card(ticket.id, channel=AGENTS, ts=CARD_TS)
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack_api.base_url)
    profiles = SlackProfiles(client=client)
    deliveries = DeliveryLog(sessions=sessions)
    desk, customers = RecordingDesk(), Customers()
    turns = SlackTurns(
        channel=SlackChannel(deliveries=deliveries, addresses=AddressBook(sessions=sessions)),
        client=client,
        profiles=profiles,
        on_new_message=customers,
        languages=("en",),
        default_language="en",
    )
    agents = AgentListeners(
        tickets=tickets, profiles=profiles, client=client, desk=lambda: desk, agent_channel=AGENTS
    )
    app = build_bolt_app(
        client=client,
        signing_secret=SIGNING_SECRET,
        deliveries=deliveries,
        turns=turns,
        agents=agents,
    )
    return Bot(app=app, desk=desk, customers=customers, tickets=tickets, ticket_id=ticket.id)


_events = iter(range(1, 1_000_000))


async def send_event(app: AsyncApp, body: dict[str, Any]) -> int:
    """POST ``body`` as Slack's Events API would, signed; returns the status bolt answers."""
    raw = json.dumps({**body, "event_id": f"Ev{next(_events)}"})
    return await _dispatch(app, raw, "application/json")


async def send_click(app: AsyncApp, payload: dict[str, Any]) -> int:
    """POST ``payload`` as Slack's interactivity would (a form with a JSON ``payload``)."""
    raw = urlencode({"payload": json.dumps(payload)})
    return await _dispatch(app, raw, "application/x-www-form-urlencoded")


async def _dispatch(app: AsyncApp, raw: str, content_type: str) -> int:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=raw)
    assert signature is not None
    headers: dict[str, str | Sequence[str]] = {
        "content-type": content_type,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }
    response = await app.async_dispatch(AsyncBoltRequest(body=raw, headers=headers))
    return response.status


async def settle(seconds: float = 1.0) -> None:
    """Bolt acknowledges first and runs listeners afterwards: give them time to (not) act."""
    await asyncio.sleep(seconds)


async def until(done: Callable[[], object], timeout: float = 10) -> None:
    """Wait for the listeners bolt runs after acknowledging, until ``done()`` is true."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the listener did not act in time"
        await asyncio.sleep(0.02)


def test_a_reply_in_the_thread_reaches_the_desk_as_the_agent_from_slack(bot: Bot) -> None:
    async def scenario() -> None:
        text = f"<@{BOT_USER_ID}> Hi Ana &amp; welcome <https://x.example|back>"
        assert await send_event(bot.app, agent_event(text=text)) == 200
        await until(lambda: bot.desk.calls)

    asyncio.run(scenario())
    assert bot.desk.calls == [("reply", bot.ticket_id, "Alice", "Hi Ana & welcome back", "slack")]
    assert bot.customers.messages == []


def test_nothing_in_the_agent_channel_is_taken_for_a_customer(bot: Bot) -> None:
    async def scenario() -> None:
        mention = agent_event(type="app_mention", text=f"<@{BOT_USER_ID}> hello", thread_ts=None)
        assert await send_event(bot.app, mention) == 200
        assert await send_event(bot.app, agent_event(thread_ts=None, text="lunch?")) == 200
        assert await send_event(bot.app, agent_event(thread_ts="1.000001")) == 200  # no card
        await settle()

    asyncio.run(scenario())
    assert bot.customers.messages == []
    assert bot.desk.calls == []


def test_a_customers_dm_and_mention_elsewhere_still_reach_rasa(bot: Bot) -> None:
    dm = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "DCUSTOMER",
            "user": "UCUSTOMER1",
            "text": "where is my order?",
            "ts": "1700000005.000100",
        },
    }
    mention = agent_event(
        type="app_mention", channel="CPUBLIC", user="UCUSTOMER2", text=f"<@{BOT_USER_ID}> hallo"
    )

    async def scenario() -> None:
        assert await send_event(bot.app, dm) == 200
        assert await send_event(bot.app, mention) == 200
        await until(lambda: len(bot.customers.messages) == 2)

    asyncio.run(scenario())
    assert sorted(m.text for m in bot.customers.messages) == ["hallo", "where is my order?"]
    assert bot.desk.calls == []


def test_a_reply_to_a_closed_ticket_tells_only_the_agent(bot: Bot, slack_api: FakeSlack) -> None:
    bot.tickets.resolve(bot.ticket_id)

    async def scenario() -> None:
        await send_event(bot.app, agent_event(text="still there?"))
        await until(lambda: slack_api.calls_to("chat.postEphemeral"))

    asyncio.run(scenario())
    assert bot.desk.calls == []
    [note] = slack_api.calls_to("chat.postEphemeral")
    assert note.params["user"] == "UAGENT1" and note.params["channel"] == AGENTS
    assert note.params["thread_ts"] == CARD_TS and note.params["text"] == CLOSED_NOTE


def test_card_buttons_claim_resolve_and_return_through_the_desk(bot: Bot) -> None:
    async def scenario() -> None:
        for count, action in enumerate(("ticket_claim", "ticket_resolve", "ticket_return"), 1):
            assert await send_click(bot.app, click(action, bot.ticket_id)) == 200
            await until(lambda count=count: len(bot.desk.calls) == count)  # type: ignore[misc]

    asyncio.run(scenario())
    assert bot.desk.calls == [
        ("claim", bot.ticket_id, "Alice", "slack"),
        ("close", bot.ticket_id, "Alice", False, "slack"),
        ("close", bot.ticket_id, "Alice", True, "slack"),
    ]
    assert bot.customers.messages == []


def test_a_refused_action_is_explained_to_the_clicker_only(bot: Bot, slack_api: FakeSlack) -> None:
    bot.desk.refuse.add("claim")

    async def scenario() -> None:
        assert await send_click(bot.app, click("ticket_claim", bot.ticket_id)) == 200
        await until(lambda: slack_api.calls_to("chat.postEphemeral"))

    asyncio.run(scenario())
    [note] = slack_api.calls_to("chat.postEphemeral")
    assert note.params["user"] == "UAGENT1" and note.params["channel"] == AGENTS
    assert "is claimed" in note.params["text"]


def test_a_forged_request_reaches_nobody(bot: Bot) -> None:
    raw = json.dumps({**agent_event(), "event_id": "EvFORGED"})
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/json",
        "x-slack-request-timestamp": str(int(time.time())),
        "x-slack-signature": "v0=" + "0" * 64,
    }

    async def scenario() -> int:
        response = await bot.app.async_dispatch(AsyncBoltRequest(body=raw, headers=headers))
        await settle(0.5)
        return response.status

    assert asyncio.run(scenario()) == 401
    assert bot.desk.calls == []
