"""Where the failed questions come from: Frontline's own store.

- the unanswered log (:mod:`bot.store.unanswered`): questions nothing came close to, and,
  since issue 14, the questions whose choices the customer turned down with "none of
  these" (the turn logs those too);
- handoff tickets whose reasons include ``failure`` (turns in a row without help): a
  missing-knowledge handoff. Their conversations' logged questions are marked as such
  and get the agents' replies as candidate answers; a ticket with no logged question
  contributes the message its failure reason quotes.

Names for redaction come from each conversation's profile (the address book, the ticket).
"""

from __future__ import annotations

from datetime import datetime, timezone

from bot.faq.redact import profile_names
from bot.insight.questions import AskedQuestion, Source
from bot.store.addresses import AddressBook
from bot.store.tickets import ACTIVE, CLOSED, Ticket, Tickets
from bot.store.unanswered import UnansweredLog

MISSING_KNOWLEDGE = "failure"


def failed_questions(
    *, log: UnansweredLog, tickets: Tickets, addresses: AddressBook, since: datetime | None
) -> list[AskedQuestion]:
    """Every question to mine, asked at or after ``since`` (all if None)."""
    handed: dict[str, Ticket] = {}
    for listed in tickets.listing(ACTIVE + CLOSED):
        if since is not None and listed.created_at < since:
            continue
        if any(r.get("signal") == MISSING_KNOWLEDGE for r in listed.reasons):
            full = tickets.get(listed.id)
            if full is not None:
                handed[full.sender_id] = full
    names: dict[str, tuple[str, ...]] = {}

    def names_of(conversation: str) -> tuple[str, ...]:
        if conversation not in names:
            ticket = handed.get(conversation)
            address = addresses.lookup(conversation)
            profile = ticket.profile if ticket else address.profile if address else {}
            names[conversation] = tuple(profile_names(profile))
        return names[conversation]

    questions = []
    for logged in log.since(since):
        ticket = handed.get(logged.conversation_id)
        questions.append(
            AskedQuestion(
                text=logged.text,
                language=logged.language,
                conversation_id=logged.conversation_id,
                asked_at=logged.asked_at,
                source=Source.NO_ANSWER if ticket is None else Source.MISSING_KNOWLEDGE,
                agent_replies=agent_replies(ticket) if ticket else (),
                names=names_of(logged.conversation_id),
            )
        )
    logged_conversations = {q.conversation_id for q in questions}
    for conversation, ticket in handed.items():
        if conversation in logged_conversations:
            continue
        for quote in dict.fromkeys(
            str(r.get("quote") or "")
            for r in ticket.reasons
            if r.get("signal") == MISSING_KNOWLEDGE
        ):
            if quote.strip():
                questions.append(
                    AskedQuestion(
                        text=quote,
                        language=ticket.language,
                        conversation_id=conversation,
                        asked_at=_aware(ticket.created_at),
                        source=Source.MISSING_KNOWLEDGE,
                        agent_replies=agent_replies(ticket),
                        names=names_of(conversation),
                    )
                )
    return questions


def agent_replies(ticket: Ticket) -> tuple[str, ...]:
    """What agents wrote in the ticket's conversation, in order."""
    return tuple(m.text for m in ticket.transcript if m.author == "agent" and m.text.strip())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
