"""The agent desk: what happens when agents act on tickets, and what the clock brings.

Every surface (the Slack agent channel, the web inbox, a helpdesk through the
webhook) acts through one :class:`Desk`, so they all behave the same: an agent's
reply is recorded in Rasa's tracker with the agent's name and reaches the customer
on their own channel; a claim tells the customer who joined; resolving or
returning gives the conversation back to the bot, which asks for a rating. The
desk's :meth:`tick` posts new tickets, announces queued ones at opening time, and
reminds agents of unclaimed ones (telling the customer the expected wait).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from rasa.core.channels.channel import OutputChannel

from bot.handoff.context import transcript
from bot.handoff.conversations import Conversations
from bot.handoff.ports import AgentRelay
from bot.hours.calendar import BusinessHours
from bot.hours.notice import response_time
from bot.store.tickets import ACTIVE, Ticket, TicketError, TicketMessage, Tickets
from bot.tone.texts import BotTexts

log = logging.getLogger(__name__)

Outputs = Callable[[Ticket], "OutputChannel | None"]
"""The output channel that reaches a ticket's customer, or None when none can."""


class Desk:
    def __init__(
        self,
        *,
        tickets: Tickets,
        conversations: Conversations,
        outputs: Outputs,
        relays: Sequence[AgentRelay],
        texts: BotTexts,
        hours: BusinessHours,
        remind_after: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        avatars: Callable[[str], str | None] = lambda _agent: None,
    ) -> None:
        self.tickets = tickets
        self.conversations = conversations
        self.outputs = outputs
        self.relays = list(relays)
        self.texts = texts
        self.hours = hours
        self.remind_after = remind_after
        self.clock = clock
        self.avatars = avatars

    # Agents ---------------------------------------------------------------------------

    async def reply(self, ticket_id: str, *, agent: str, text: str, origin: str) -> None:
        ticket = self._active(ticket_id)
        if ticket.claimed_by is None:
            await self.claim(ticket_id, agent=agent, origin=origin)
            ticket = self._active(ticket_id)
        metadata = {"author": "agent", "agent": agent, "ticket": ticket.id}
        avatar = self.avatars(agent)
        if avatar:
            metadata["avatar"] = avatar
        await self.conversations.say(
            ticket.sender_id, text, output=self.outputs(ticket), metadata=metadata
        )
        message = TicketMessage(at=self.clock(), author="agent", text=text, name=agent)
        self.tickets.add_message(ticket.id, message)
        await self._tell("message_added", ticket, message, origin)

    async def claim(self, ticket_id: str, *, agent: str, origin: str) -> None:
        ticket = self._active(ticket_id)
        if ticket.status == "claimed" and ticket.claimed_by == agent:
            return
        if ticket.status == "queued":
            await self._open(ticket)
        self.tickets.claim(ticket.id, agent)
        await self._say(ticket, "sys_agent_joined", agent=agent)
        claimed = self._active(ticket_id)
        await self._tell("ticket_changed", claimed, "claimed", agent)

    async def close(self, ticket_id: str, *, agent: str, returned: bool, origin: str) -> None:
        ticket = self._active(ticket_id)
        self.tickets.resolve(ticket.id, returned_to_bot=returned)
        closed = self._get(ticket_id)
        event = "returned" if returned else "resolved"
        await self._tell("ticket_changed", closed, event, agent)
        await self.conversations.resume(ticket.sender_id, output=self.outputs(ticket))

    # Customers ------------------------------------------------------------------------

    def handed_off(self, sender_id: str) -> bool:
        """Whether a person has the conversation, so the bot must stay silent."""
        ticket = self.tickets.active_for(sender_id)
        return ticket is not None and ticket.with_person

    async def customer_wrote(self, sender_id: str, text: str) -> None:
        """A message Rasa recorded while the conversation is with a person: to the agents."""
        ticket = self.tickets.active_for(sender_id)
        if ticket is None or not ticket.with_person:
            return
        message = TicketMessage(at=self.clock(), author="customer", text=text, name=ticket.customer)
        self.tickets.add_message(ticket.id, message)
        await self._tell("message_added", ticket, message, "customer")

    # The clock ------------------------------------------------------------------------

    async def tick(self) -> None:
        """Announce due queued tickets, post new ones, remind agents of unclaimed ones, and
        tell them the ratings customers gave."""
        now = self.clock()
        for ticket in self.tickets.due(now):
            await self._open(ticket)
        for ticket in self.tickets.take_unposted(now):
            await self._tell("ticket_opened", ticket)
        for ticket in self.tickets.take_unclaimed(now, after=self.remind_after):
            waited = int((now - (ticket.posted_at or now)).total_seconds() // 60)
            await self._tell("reminder", ticket, waited)
            if ticket.reminded_at is None:
                wait = response_time(self.hours.response_time_minutes, ticket.language)
                await self._say(ticket, "sys_handoff_wait", response_time=wait)
        for ticket in self.tickets.take_rated(now):
            await self._tell("ticket_changed", ticket, "rated", None)

    # ----------------------------------------------------------------------------------

    async def _open(self, ticket: Ticket) -> None:
        """A queued ticket goes to agents: the conversation pauses, and what was said since
        it was queued joins its transcript."""
        if not self.tickets.announce(ticket.id):
            return
        events = await self.conversations.pause(ticket.sender_id)
        known = self._get(ticket.id).transcript
        since = known[-1].at if known else ticket.created_at
        for message in transcript(events):
            if message.at > since:
                self.tickets.add_message(ticket.id, message)

    async def _say(self, ticket: Ticket, key: str, **values: object) -> None:
        """A system text to the customer, in their language and channel's tone."""
        output = self.outputs(ticket)
        for text in self.texts.say(key, channel=ticket.channel, language=ticket.language, **values):
            metadata = {"author": "desk", "ticket": ticket.id}
            await self.conversations.say(ticket.sender_id, text, output=output, metadata=metadata)
            message = TicketMessage(at=self.clock(), author="bot", text=text)
            self.tickets.add_message(ticket.id, message)

    async def _tell(self, event: str, *args: object) -> None:
        """Call ``event`` (an :class:`AgentRelay` method) on every relay."""
        for relay in self.relays:
            try:
                await getattr(relay, event)(*args)
            except Exception:  # a relay must never stop the desk
                log.exception("handoff: relay %s failed on %s", type(relay).__name__, event)

    def _get(self, ticket_id: str) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise LookupError(f"no ticket {ticket_id}")
        return ticket

    def _active(self, ticket_id: str) -> Ticket:
        ticket = self._get(ticket_id)
        if ticket.status not in ACTIVE:
            raise TicketError(f"ticket {ticket_id} is {ticket.status}")
        return ticket
