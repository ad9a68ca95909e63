"""What a turn asks to be stored: its ticket, the question nobody could answer, the
translation a customer needed, a rating. The I/O edge of the turn."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.faq.editor import VariantError
from bot.faq.redact import redact_text
from bot.store.clicks import ClickLog, LearnedPair
from bot.store.tickets import TicketError, TicketMessage, Tickets
from bot.store.translations import TranslationGaps
from bot.store.unanswered import UnansweredLog
from bot.turn.context import TurnContext
from bot.turn.reply import Learned, TurnReply

log = logging.getLogger(__name__)


class TurnEffects:
    def __init__(
        self,
        *,
        tickets: Tickets,
        gaps: UnansweredLog,
        translations: TranslationGaps,
        clicks: ClickLog,
        learner: Callable[[LearnedPair], None] | None = None,
        auto_accept: int = 0,
    ) -> None:
        self.tickets = tickets
        self.gaps = gaps
        self.translations = translations
        self.clicks = clicks
        self.learner = learner
        self.auto_accept = auto_accept

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
        if reply.learned is not None:
            self._learn(ctx, reply.learned)
        if reply.rating is not None:
            try:
                self.tickets.rate(*reply.rating)
            except TicketError as error:  # rated twice, or from a stale button
                log.info("rating not stored: %s", error)

    def _learn(self, ctx: TurnContext, learned: Learned) -> None:
        """Keep the customer's choice (redacted); accept it as a variant once enough
        different customers made it, if the operator allows that."""
        names = [ctx.metadata.get("display_name") or ""]
        text = redact_text(learned.text, names=names)
        customers = self.clicks.record(
            text=text,
            language=learned.language,
            entry_id=learned.entry,
            conversation_id=ctx.sender_id,
        )
        if self.auto_accept and customers >= self.auto_accept and self.learner is not None:
            group = next(
                (p for p in self.clicks.pairs() if p.entry_id == learned.entry and p.text == text),
                None,
            )
            if group is not None:
                try:
                    self.learner(group)
                except VariantError as error:
                    log.warning("learned variant not added: %s", error)
