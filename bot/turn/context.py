"""Everything one customer turn depends on, as one typed value.

The action adapter builds it from Rasa's tracker (``actions/turn.py``); the
conversation benchmark and ``frontline faq try`` build it directly. Nothing in it
refers to Rasa.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.turn.history import Utterance
from bot.turn.metadata import MessageMetadata
from bot.turn.state import ConversationState

WITH_PERSON = ("open", "claimed")


@dataclass(frozen=True)
class TicketView:
    """The conversation's ticket, as the turn needs it.

    Attributes:
        id: The ticket's id.
        status: ``queued`` (waits for opening time), ``open``, ``claimed``, or, for a
            closed ticket, ``resolved`` or ``returned``.
        due_at: When a queued ticket goes to agents.
        rated: Whether the customer rated a closed ticket.
    """

    id: str
    status: str
    due_at: datetime | None = None
    rated: bool = False

    @property
    def with_person(self) -> bool:
        return self.status in WITH_PERSON


@dataclass(frozen=True)
class LiveIncident:
    """An incident agents declared and approved, as the turn needs it (crisis mode).

    Attributes:
        id: The incident's id.
        topic: The topic key it matches (``faq:track-order``, ``keywords:outage``).
        statement: The approved holding statement, per language.
        told: This conversation already got the statement.
    """

    id: str
    topic: str
    statement: Mapping[str, str]
    told: bool = False


@dataclass(frozen=True)
class TurnContext:
    """One customer message and what the turn knows around it.

    Attributes:
        sender_id: The conversation.
        text: What the customer typed, or the payload of the button they clicked.
        intent: Rasa's intent for it (``faq``, ``greet``, ``request_human``...), if any.
        confidence: Rasa's confidence in that intent (1 for a click).
        channel: The input channel (``web``, ``telegram``, ``slack``, ``rest``).
        now: The time of the turn (passed in: the turn never reads a clock).
        state: What the bot remembered after the previous turn.
        entities: Entities of the message or its payload (``faq_id``, ``rating``...).
        metadata: Who wrote it and how (platform, locale hint, timezone, button title).
        history: The conversation so far, this message included, oldest first.
        ticket: The conversation's active ticket, if any.
        closed_ticket: Its latest closed ticket, when the turn is a handoff ending.
        first_of_session: This is the first customer message of the session.
        incidents: The live incidents (declared and approved), for crisis mode.
    """

    sender_id: str
    text: str
    intent: str | None
    channel: str
    now: datetime
    confidence: float = 1.0
    state: ConversationState = field(default_factory=ConversationState)
    entities: Mapping[str, str] = field(default_factory=dict)
    metadata: MessageMetadata = field(default_factory=lambda: MessageMetadata())
    history: tuple[Utterance, ...] = ()
    ticket: TicketView | None = None
    closed_ticket: TicketView | None = None
    first_of_session: bool = False
    incidents: tuple[LiveIncident, ...] = ()

    @property
    def clicked(self) -> bool:
        """The message is a button's payload rather than typed text."""
        return self.text.startswith("/")
