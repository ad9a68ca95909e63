"""What the inbox's JSON API does with tickets: list, show, and act through the AgentDesk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanic import Sanic

from bot.channels.agent.errors import InvalidRequest, TicketConflict, UnknownTicket
from bot.handoff.ports import AgentDesk
from bot.handoff.wire import ticket_json
from bot.store.tickets import ACTIVE, TicketError, Tickets

ORIGIN = "inbox"
STATUSES = (*ACTIVE, "resolved", "returned")
ACTIONS = ("reply", "claim", "resolve", "return")
MAX_REPLY_CHARS = 4000
_LONGEST_ID = 64


def hub_desk(app: Sanic) -> AgentDesk:
    """The running Rasa app's desk (imported late: the hub needs the app to exist)."""
    from bot.handoff.hub import desk_of

    return desk_of(app)


class TicketApi:
    """The inbox's ticket endpoints, minus HTTP.

    Args:
        tickets: The ticket store, for reading.
        desk: The desk of the running app; every change goes through it.
    """

    def __init__(self, *, tickets: Tickets, desk: Callable[[Sanic], AgentDesk]) -> None:
        self.tickets = tickets
        self.desk = desk

    def listing(self, status: str | None) -> dict[str, Any]:
        """Active tickets, or those in ``status`` (comma-separated, e.g. "resolved,returned").

        Raises:
            InvalidRequest: An unknown status.
        """
        statuses = tuple(s.strip() for s in status.split(",") if s.strip()) if status else ACTIVE
        unknown = sorted(set(statuses) - set(STATUSES))
        if unknown or not statuses:
            raise InvalidRequest(f"status must be among {', '.join(STATUSES)}")
        tickets = self.tickets.listing(statuses)
        return {"tickets": [ticket_json(ticket, transcript=False) for ticket in tickets]}

    def detail(self, ticket_id: str) -> dict[str, Any]:
        """The ticket with its transcript.

        Raises:
            UnknownTicket: There is no such ticket.
        """
        ticket = self.tickets.get(ticket_id) if len(ticket_id) <= _LONGEST_ID else None
        if ticket is None:
            raise UnknownTicket(f"no ticket {ticket_id}")
        return ticket_json(ticket)

    async def act(
        self, app: Sanic, ticket_id: str, action: str, *, agent: str, body: Any
    ) -> dict[str, Any]:
        """Do ``action`` (reply, claim, resolve, return) as ``agent``; the ticket afterwards.

        Raises:
            UnknownTicket: No such ticket or action.
            InvalidRequest: A reply without text, or too long.
            TicketConflict: The ticket's state forbids it.
        """
        if action not in ACTIONS:
            raise UnknownTicket(f"no action {action!r}")
        self.detail(ticket_id)
        desk = self.desk(app)
        try:
            if action == "reply":
                text = _reply_text(body)
                await desk.reply(ticket_id, agent=agent, text=text, origin=ORIGIN)
            elif action == "claim":
                await desk.claim(ticket_id, agent=agent, origin=ORIGIN)
            else:
                returned = action == "return"
                await desk.close(ticket_id, agent=agent, returned=returned, origin=ORIGIN)
        except TicketError as error:
            raise TicketConflict(str(error)) from error
        except LookupError as error:
            raise UnknownTicket(str(error) or f"no ticket {ticket_id}") from error
        return {"ticket": self.detail(ticket_id)}


def _reply_text(body: Any) -> str:
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise InvalidRequest('send {"text": "..."} with the reply')
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidRequest(f"a reply is at most {MAX_REPLY_CHARS} characters")
    return text.strip()
