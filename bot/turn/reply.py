"""What one turn decides: the messages in order, the memory, the pause and the ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.faq.index import Hit
from bot.handoff.policy import Decision
from bot.turn.engines import Mood
from bot.turn.history import Utterance
from bot.turn.state import ConversationState


@dataclass(frozen=True)
class BotMessage:
    """One message to the customer, markdown-lite.

    Attributes:
        text: The text, in the conversation's language and the channel's tone.
        kind: What it is: ``answer``, ``clarify``, ``no_answer``, ``offer``, ``handoff``,
            ``queued``, ``with_team``, ``after_hours``, ``chat``, ``language``, ``csat``...
            Recorded with the message, so analytics and benchmarks need not parse text.
        buttons: Rasa buttons (``title``, ``payload``).
        entry: The FAQ entry an answer or a choice is about.
    """

    text: str
    kind: str
    buttons: tuple[dict[str, str], ...] = ()
    entry: str | None = None


@dataclass(frozen=True)
class TicketRequest:
    """A ticket to open, or to add reasons to, with its context package."""

    reasons: list[dict[str, Any]]
    profile: dict[str, Any]
    transcript: list[Utterance]
    sentiment: list[dict[str, Any]]
    faq_tried: list[dict[str, Any]]
    summary: str
    due_at: datetime | None


@dataclass(frozen=True)
class Gap:
    """A question the bot could not answer, for editors."""

    text: str
    candidates: list[dict[str, Any]]


@dataclass(frozen=True)
class Learned:
    """A customer picked ``entry`` for what they had asked: a variant to suggest to editors."""

    text: str
    language: str
    entry: str


@dataclass(frozen=True)
class Trace:
    """How the turn decided, for previews and benchmarks (never shown to customers).

    Attributes:
        move: What the message meant (``question``, ``choice``, ``person``...).
        outcome: The FAQ's verdict (``answer``, ``clarify``, ``no_answer``), if asked.
        hits: The FAQ's best matches, best first.
        mood: How the message read.
        decision: The escalation policy's verdict, if it was asked.
    """

    move: str
    outcome: str | None = None
    hits: tuple[Hit, ...] = ()
    mood: Mood | None = None
    decision: Decision | None = None


@dataclass(frozen=True)
class TurnReply:
    """The turn's result.

    Attributes:
        messages: What to send, in order.
        state: The conversation's memory after the turn.
        language: The language the turn answered in.
        pause: Hand the conversation to a person: the bot stays silent until it is back.
        disable_buttons: Buttons shown earlier can no longer be used (a person takes over).
        ticket: A ticket to open (or add reasons to).
        gap: A question to log for editors.
        missing_translation: The entry whose answer was not written in the language.
        rating: A CSAT rating for a closed ticket: (ticket id, 1–5).
        learned: A clarification's choice, for ``frontline faq learn``.
        incidents_told: Live incidents whose statement this turn gave (crisis mode).
        incidents_matched: Live incidents the message is about (to link its ticket).
        subscribe: The incident the customer asked to hear about when it is resolved.
        topics: What the customer's message is about (topic keys), for surge detection.
        angry: The message fired the anger signal.
        trace: How it was decided.
    """

    messages: tuple[BotMessage, ...]
    state: ConversationState
    language: str
    pause: bool = False
    disable_buttons: bool = False
    ticket: TicketRequest | None = None
    gap: Gap | None = None
    missing_translation: str | None = None
    rating: tuple[str, int] | None = None
    learned: Learned | None = None
    incidents_told: tuple[str, ...] = ()
    incidents_matched: tuple[str, ...] = ()
    subscribe: str | None = None
    topics: tuple[str, ...] = ()
    angry: bool = False
    trace: Trace = field(default_factory=lambda: Trace(move="none"))
