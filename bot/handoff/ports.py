"""What the agent-facing surfaces (Slack cards, the web inbox, the webhook) see of a handoff.

The :class:`AgentDesk` is the one place agents act on tickets; every surface calls
it, so a reply from Slack and a reply from the inbox do exactly the same things.
An :class:`AgentRelay` is told what happened, so each surface can show it.
"""

from __future__ import annotations

from typing import Protocol

from bot.store.tickets import Ticket, TicketMessage


class AgentDesk(Protocol):
    """Agent actions on tickets. Each raises ``TicketError`` when the state forbids it
    (a closed ticket, say) and ``LookupError`` when there is no such ticket."""

    async def reply(self, ticket_id: str, *, agent: str, text: str, origin: str) -> None:
        """Send ``text`` to the customer on their own channel, as ``agent``.

        ``origin`` names the surface it came from ("slack", "inbox", "webhook"), so
        that surface is not told about its own message again.
        """

    async def claim(self, ticket_id: str, *, agent: str, origin: str) -> None:
        """``agent`` takes the ticket."""

    async def close(self, ticket_id: str, *, agent: str, returned: bool, origin: str) -> None:
        """Resolve the ticket (``returned=False``) or return the conversation to the bot;
        either way the bot is back, says so, and asks for a rating."""


class AgentRelay(Protocol):
    """A surface agents watch. Failures are the relay's to log; they never stop the desk."""

    async def ticket_opened(self, ticket: Ticket) -> None:
        """A ticket is ready for agents (during hours, or announced at opening time)."""

    async def message_added(self, ticket: Ticket, message: TicketMessage, origin: str) -> None:
        """A customer's or agent's message was added to the ticket's transcript."""

    async def ticket_changed(self, ticket: Ticket, event: str, agent: str | None) -> None:
        """``event`` is "claimed", "resolved", "returned" or "rated"."""

    async def reminder(self, ticket: Ticket, waited_minutes: int) -> None:
        """Nobody has claimed ``ticket`` for ``waited_minutes``."""
