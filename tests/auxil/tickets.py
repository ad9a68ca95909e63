"""A :class:`Ticket` value for tests that need one without a database."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.store.tickets import Ticket

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def make_ticket(**fields: Any) -> Ticket:
    """An open Telegram ticket with nothing in it; ``fields`` set whatever the test needs."""
    defaults: dict[str, Any] = {
        "id": "t-1",
        "sender_id": "telegram-42",
        "channel": "telegram",
        "language": "de",
        "status": "open",
        "created_at": T0,
        "due_at": None,
        "claimed_by": None,
        "closed_at": None,
        "reasons": [],
        "sentiment": [],
        "profile": {},
        "faq_tried": [],
        "summary": "",
        "csat": None,
        "transcript": [],
    }
    return Ticket(**{**defaults, **fields})
