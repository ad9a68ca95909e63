"""Agents acting from the Slack agent channel: replies in a card's thread, and its buttons.

The readers are pure functions of the payload. :class:`AgentListeners` turns what
they read into :class:`~bot.handoff.ports.AgentDesk` calls, so a reply or a click
in Slack does exactly what the same act in the web inbox does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.redact import redact
from bot.channels.slack.agent_cards import CLAIM, RESOLVE, RETURN
from bot.channels.slack.events import BotIdentity, customer_text
from bot.channels.slack.profiles import SlackProfiles
from bot.handoff.ports import AgentDesk
from bot.store.tickets import ACTIVE, TicketError, Tickets

log = logging.getLogger(__name__)

ORIGIN = "slack"
TICKET_ACTIONS = (CLAIM, RESOLVE, RETURN)
CLOSED_NOTE = "This ticket is closed; the customer won't see this."
NOT_SENT_NOTE = "Something went wrong; the customer did not get this. Please send it again."

# Subtypes an agent produces by writing; edits, deletions and notices are not replies.
_AGENT_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


@dataclass(frozen=True)
class AgentReply:
    """An agent's message in the thread of a ticket's card."""

    channel: str
    thread_ts: str
    user_id: str
    text: str


@dataclass(frozen=True)
class TicketAction:
    """A click on a card's Claim, Resolve or Return-to-bot button."""

    action_id: str
    ticket_id: str
    user_id: str
    channel: str | None


def read_agent_reply(
    body: dict[str, Any], *, agent_channel: str, bot: BotIdentity
) -> AgentReply | None:
    """The reply in a ``message`` event, or None when it is not an agent's reply in a thread."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    if event.get("type") != "message" or event.get("channel") != agent_channel:
        return None
    user, ts, thread_ts = event.get("user"), event.get("ts"), event.get("thread_ts")
    if not (isinstance(user, str) and isinstance(ts, str) and isinstance(thread_ts, str)):
        return None
    if thread_ts == ts or event.get("subtype") not in _AGENT_SUBTYPES or event.get("hidden"):
        return None
    if event.get("bot_id") or (bot.user_id is not None and user == bot.user_id):
        return None
    text = customer_text(str(event.get("text") or ""), bot_user_id=bot.user_id)
    if not text:
        return None
    return AgentReply(channel=agent_channel, thread_ts=thread_ts, user_id=user, text=text)


def read_ticket_action(body: dict[str, Any]) -> TicketAction | None:
    """The card button clicked in a ``block_actions`` payload, or None."""
    if body.get("type") != "block_actions":
        return None
    actions = body.get("actions") or []
    action = actions[0] if actions and isinstance(actions[0], dict) else {}
    action_id, value = action.get("action_id"), action.get("value")
    user = (body.get("user") or {}).get("id")
    if action_id not in TICKET_ACTIONS or not value or not isinstance(user, str):
        return None
    container, channel_object = body.get("container") or {}, body.get("channel") or {}
    channel = container.get("channel_id") or channel_object.get("id")
    return TicketAction(
        action_id=str(action_id),
        ticket_id=str(value),
        user_id=user,
        channel=str(channel) if channel else None,
    )


class AgentListeners:
    """Bolt listeners for the agent channel.

    Args:
        tickets: Finds the ticket behind a card's thread.
        profiles: The agent's display name, which the customer sees.
        client: Posts the notes only the agent sees.
        desk: The desk of the running server (a function: it exists once the server runs).
        agent_channel: The agents' channel id.
    """

    def __init__(
        self,
        *,
        tickets: Tickets,
        profiles: SlackProfiles,
        client: AsyncWebClient,
        desk: Callable[[], AgentDesk],
        agent_channel: str,
    ) -> None:
        self._tickets = tickets
        self._profiles = profiles
        self._client = client
        self._desk = desk
        self.agent_channel = agent_channel

    async def in_agent_channel(self, body: dict[str, Any]) -> bool:
        """Bolt matcher: the event happened in the agent channel."""
        event = body.get("event")
        return isinstance(event, dict) and event.get("channel") == self.agent_channel

    async def on_agent_message(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """Any event in the agent channel, already acknowledged; replies reach the customer."""
        reply = read_agent_reply(body, agent_channel=self.agent_channel, bot=_bot(context))
        if reply is None:
            return
        ticket = self._tickets.by_slack_thread(reply.channel, reply.thread_ts)
        if ticket is None:
            return  # agents talking in some other thread
        if ticket.status not in ACTIVE:
            await self._note(reply.user_id, reply.channel, CLOSED_NOTE, thread_ts=reply.thread_ts)
            return
        agent = await self._agent_name(reply.user_id)
        try:
            await self._desk().reply(ticket.id, agent=agent, text=reply.text, origin=ORIGIN)
        except (TicketError, LookupError):
            await self._note(reply.user_id, reply.channel, CLOSED_NOTE, thread_ts=reply.thread_ts)
        except Exception as error:
            log.error("slack agents: reply to %s failed: %s", ticket.id, redact(repr(error)))
            await self._note(reply.user_id, reply.channel, NOT_SENT_NOTE, thread_ts=reply.thread_ts)

    async def on_ticket_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Claim, Resolve or Return to bot: acknowledge, then ask the desk."""
        await ack()
        action = read_ticket_action(body)
        if action is None or action.channel not in (None, self.agent_channel):
            return
        agent = await self._agent_name(action.user_id)
        desk = self._desk()
        try:
            if action.action_id == CLAIM:
                await desk.claim(action.ticket_id, agent=agent, origin=ORIGIN)
            else:
                returned = action.action_id == RETURN
                await desk.close(action.ticket_id, agent=agent, returned=returned, origin=ORIGIN)
        except TicketError as error:
            await self._note(action.user_id, action.channel, f"Not done: {error}.")
        except LookupError:
            await self._note(action.user_id, action.channel, "Not done: there is no such ticket.")

    async def _agent_name(self, user_id: str) -> str:
        profile = await self._profiles.profile(user_id)
        return profile.display_name or user_id

    async def _note(
        self, user_id: str, channel: str | None, text: str, *, thread_ts: str | None = None
    ) -> None:
        """A message only ``user_id`` sees."""
        try:
            await self._client.chat_postEphemeral(
                channel=channel or self.agent_channel, user=user_id, text=text, thread_ts=thread_ts
            )
        except Exception as error:
            log.warning("slack agents: could not tell an agent: %s", redact(repr(error)))


def _bot(context: AsyncBoltContext) -> BotIdentity:
    result = context.authorize_result
    if result is None:
        return BotIdentity()
    return BotIdentity(user_id=result.bot_user_id, bot_id=result.bot_id)
