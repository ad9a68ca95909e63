"""The Slack agent channel as an :class:`~bot.handoff.ports.AgentRelay`.

Each ticket gets a card in the agents' channel; its thread holds the transcript,
every later message and what happened to the ticket. A surge alert is posted to the
channel with its evidence (:mod:`.alert_cards`). Slack failing is logged
(redacted) and swallowed: a relay never stops the desk.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.channels.redact import redact
from bot.channels.slack.agent_cards import (
    chunks,
    event_note,
    message_line,
    reminder_text,
    ticket_card,
    transcript_messages,
)
from bot.channels.slack.alert_cards import alert_card
from bot.crisis.alerts import AlertPayload
from bot.store.tickets import Ticket, TicketMessage, Tickets

log = logging.getLogger(__name__)

SLACK_ORIGIN = "slack"


class SlackAgentRelay:
    """Posts and keeps up to date the cards of tickets in one Slack channel.

    Args:
        client: The Web API client (its ``base_url`` points at Slack or a fake).
        channel_id: The agents' channel (``C...`` or ``G...``), with the bot invited.
        tickets: Where each card's ``ts`` is stored, so replies in its thread find the ticket.
    """

    def __init__(self, *, client: AsyncWebClient, channel_id: str, tickets: Tickets) -> None:
        self._client = client
        self._channel = channel_id
        self._tickets = tickets

    async def ticket_opened(self, ticket: Ticket) -> None:
        if ticket.slack_ts is not None:
            await self._update_card(ticket)
            return
        text, blocks = ticket_card(ticket)
        posted = await self._call(
            "post the card",
            self._client.chat_postMessage(
                channel=self._channel, text=text, blocks=blocks, unfurl_links=False
            ),
        )
        ts = posted.get("ts") if posted else None
        if not isinstance(ts, str):
            return
        channel = str(posted.get("channel") or self._channel) if posted else self._channel
        try:
            self._tickets.set_slack_card(ticket.id, channel=channel, ts=ts)
        except Exception as error:
            log.error(
                "slack agents: could not store the card of %s: %s", ticket.id, redact(repr(error))
            )
            return
        for part in transcript_messages(ticket):
            await self._in_thread(channel, ts, part, "post the transcript")

    async def message_added(self, ticket: Ticket, message: TicketMessage, origin: str) -> None:
        if ticket.slack_ts is None or (origin == SLACK_ORIGIN and message.author == "agent"):
            return  # no card yet, or the agent wrote it in the thread already
        channel = ticket.slack_channel or self._channel
        for part in chunks([message_line(message, ticket.customer)]):
            await self._in_thread(channel, ticket.slack_ts, part, "post a message")

    async def ticket_changed(self, ticket: Ticket, event: str, agent: str | None) -> None:
        if ticket.slack_ts is None:
            return
        await self._update_card(ticket)
        channel = ticket.slack_channel or self._channel
        await self._in_thread(channel, ticket.slack_ts, event_note(ticket, event, agent), event)

    async def reminder(self, ticket: Ticket, waited_minutes: int) -> None:
        if ticket.slack_ts is None:
            # The card never made it (Slack was down): post it now, then remind.
            await self.ticket_opened(ticket)
            ticket = self._tickets.get(ticket.id) or ticket
            if ticket.slack_ts is None:
                return
        channel = ticket.slack_channel or self._channel
        await self._in_thread(
            channel,
            ticket.slack_ts,
            reminder_text(ticket, waited_minutes),
            "remind",
            broadcast=True,
        )

    async def incident_suspected(self, alert: AlertPayload) -> None:
        """A surge alert, posted to the channel with its evidence."""
        text, blocks = alert_card(alert)
        await self._call(
            "post the surge alert",
            self._client.chat_postMessage(
                channel=self._channel,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            ),
        )

    async def _update_card(self, ticket: Ticket) -> None:
        text, blocks = ticket_card(ticket)
        await self._call(
            "update the card",
            self._client.chat_update(
                channel=ticket.slack_channel or self._channel,
                ts=str(ticket.slack_ts),
                text=text,
                blocks=blocks,
            ),
        )

    async def _in_thread(
        self, channel: str, ts: str, text: str, what: str, *, broadcast: bool = False
    ) -> None:
        await self._call(
            what,
            self._client.chat_postMessage(
                channel=channel,
                thread_ts=ts,
                text=text,
                reply_broadcast=broadcast or None,
                unfurl_links=False,
                unfurl_media=False,
            ),
        )

    @staticmethod
    async def _call(what: str, request: Awaitable[AsyncSlackResponse]) -> dict[str, Any] | None:
        """The response's data, or None (logged) when Slack or the network failed."""
        try:
            response = await request
        except Exception as error:
            log.warning("slack agents: could not %s: %s", what, redact(repr(error)))
            return None
        data = response.data
        return data if isinstance(data, dict) else None
