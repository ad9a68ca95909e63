"""What a turn asks to be stored: its ticket, the question nobody could answer, the
translation a customer needed, a rating. The I/O edge of the turn."""

from __future__ import annotations

import logging

from bot.store.tickets import TicketError, TicketMessage, Tickets
from bot.store.translations import TranslationGaps
from bot.store.unanswered import UnansweredLog
from bot.turn.context import TurnContext
from bot.turn.reply import TurnReply

log = logging.getLogger(__name__)


class TurnEffects:
    def __init__(
        self, *, tickets: Tickets, gaps: UnansweredLog, translations: TranslationGaps
    ) -> None:
        self.tickets = tickets
        self.gaps = gaps
        self.translations = translations

    def store(self, ctx: TurnContext, reply: TurnReply) -> None:
        if reply.ticket is not None:
            request = reply.ticket
            self.tickets.open(
                sender_id=ctx.sender_id,
                channel=ctx.channel,
                language=reply.language,
                reasons=request.reasons,
                profile=request.profile,
                transcript=[
                    TicketMessage(at=u.at, author=u.author, text=u.text, name=u.name)
                    for u in request.transcript
                ],
                sentiment=request.sentiment,
                faq_tried=request.faq_tried,
                summary=request.summary,
                due_at=request.due_at,
            )
        if reply.gap is not None:
            self.gaps.record(
                text=reply.gap.text,
                language=reply.language,
                channel=ctx.channel,
                conversation_id=ctx.sender_id,
                candidates=reply.gap.candidates,
            )
        if reply.missing_translation is not None:
            self.translations.record(
                entry_id=reply.missing_translation, language=reply.language, channel=ctx.channel
            )
        if reply.rating is not None:
            try:
                self.tickets.rate(*reply.rating)
            except TicketError as error:  # rated twice, or from a stale button
                log.info("rating not stored: %s", error)
