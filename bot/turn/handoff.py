"""A handoff in a turn: the ticket's context package, and what the customer is told. Pure.

Once a ticket exists the bot never offers a person again; it says the team already
has the conversation. While the team is in, a handoff pauses the conversation (a
person answers next); after hours the ticket is queued for opening time and the bot
goes on answering meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.handoff.context import (
    TurnRecord,
    customer_profile,
    faq_tried,
    reason_dicts,
    sentiment,
)
from bot.handoff.policy import Reason
from bot.handoff.summary import summarise
from bot.turn.context import TurnContext
from bot.turn.reply import TicketRequest


def ticket_request(
    ctx: TurnContext,
    records: Sequence[TurnRecord],
    reasons: Sequence[Reason],
    *,
    due_at: datetime | None,
) -> TicketRequest:
    """The ticket for this conversation, with everything an agent needs to pick it up."""
    transcript = list(ctx.history)
    said = [u.text for u in transcript if u.author == "customer" and not u.text.startswith("/")]
    return TicketRequest(
        reasons=reason_dicts(reasons, records),
        profile=customer_profile(ctx.metadata),
        transcript=transcript,
        sentiment=sentiment(records),
        faq_tried=faq_tried(records),
        summary=summarise(said),
        due_at=due_at,
    )
