"""Tickets as JSON: the one shape the web inbox's API and the outgoing webhook both send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handoff.context import visitor
from bot.store.tickets import Ticket, TicketMessage

WEB_PREFIX = "web-"


def moment(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.isoformat() if value is not None else None


def public_conversation(sender_id: str) -> str:
    """The conversation's id as agents and helpdesks see it: a widget conversation's id is
    its session key, so it is shown as the visitor's pseudonym."""
    if sender_id.startswith(WEB_PREFIX):
        return visitor(sender_id[len(WEB_PREFIX) :])
    return sender_id


def message_json(message: TicketMessage) -> dict[str, Any]:
    return {
        "at": moment(message.at),
        "author": message.author,
        "name": message.name,
        "text": message.text,
    }


def ticket_json(ticket: Ticket, *, transcript: bool = True) -> dict[str, Any]:
    """Everything an agent needs: status, customer, reasons with evidence, sentiment,
    FAQ entries tried, summary and (with ``transcript``) every turn with its time."""
    data: dict[str, Any] = {
        "id": ticket.id,
        "conversation": public_conversation(ticket.sender_id),
        "status": ticket.status,
        "channel": ticket.channel,
        "language": ticket.language,
        "customer": ticket.customer,
        "profile": ticket.profile,
        "created_at": moment(ticket.created_at),
        "due_at": moment(ticket.due_at),
        "claimed_by": ticket.claimed_by,
        "closed_at": moment(ticket.closed_at),
        "reasons": ticket.reasons,
        "sentiment": ticket.sentiment,
        "faq_tried": ticket.faq_tried,
        "summary": ticket.summary,
        "csat": ticket.csat,
    }
    if transcript:
        data["transcript"] = [message_json(m) for m in ticket.transcript]
    return data
