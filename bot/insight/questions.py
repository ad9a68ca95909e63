"""A question the knowledge base failed, as gap mining reads it: from the unanswered log,
a "none of these", or a ticket handed to people for want of an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Source(str, Enum):
    """Why the question counts as a gap."""

    NO_ANSWER = "no_answer"  # nothing came close enough (the unanswered log)
    NONE_OF_THESE = "none_of_these"  # the customer turned down every choice offered
    MISSING_KNOWLEDGE = "missing_knowledge"  # a handoff after turns without help


@dataclass(frozen=True)
class AskedQuestion:
    """One customer question the bot could not answer.

    Attributes:
        text: what the customer wrote, unredacted (gap mining redacts it first thing).
        language: the conversation's language.
        conversation_id: whose conversation; a cluster's size counts these, not messages.
        asked_at: when (timezone-aware).
        source: why it is a gap.
        agent_replies: what agents answered in that conversation, if a person took it.
        names: the customer's names from their profile, masked wherever text is shown.
    """

    text: str
    language: str
    conversation_id: str
    asked_at: datetime
    source: Source = Source.NO_ANSWER
    agent_replies: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
