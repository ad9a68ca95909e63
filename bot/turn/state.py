"""What the bot remembers of a conversation between turns, kept in Rasa slots. Pure.

The turn reads a :class:`ConversationState` and returns the next one; the action
adapter turns the differences into ``SlotSet`` events, so the tracker only grows by
what changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.handoff.context import TurnRecord, records, slot_value

LANGUAGE = "language"
PINNED = "language_pinned"
NOTICE = "closed_notice"
RECORDS = "handoff_turns"
CSAT = "csat_ticket"
PENDING = "pending_choice"
SLOTS = (LANGUAGE, PINNED, NOTICE, RECORDS, CSAT, PENDING)


@dataclass(frozen=True)
class Pending:
    """A clarification waiting for the customer's choice.

    Attributes:
        text: What the customer asked (kept for learning from the click).
        language: The language it was asked in.
        choices: The entries offered, in button order.

    The message that asked is always the last record: a clarification is settled,
    or dropped, by the customer's next message.
    """

    text: str
    language: str
    choices: tuple[str, ...]

    def as_slot(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "choices": list(self.choices),
        }

    @classmethod
    def from_slot(cls, value: object) -> Pending | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("choices"), list):
            return None
        return cls(
            text=str(value.get("text", "")),
            language=str(value.get("language", "")),
            choices=tuple(str(choice) for choice in value["choices"]),
        )


@dataclass(frozen=True)
class ConversationState:
    """The conversation's memory.

    Attributes:
        language: The conversation's language, once known.
        pinned: The customer chose the language explicitly.
        closed_notice: The closed period the after-hours notice was given for.
        records: One record per customer message (the handoff's memory).
        csat_ticket: The ticket whose rating the bot asked for.
        pending: A clarification waiting for a choice.
    """

    language: str | None = None
    pinned: bool = False
    closed_notice: str | None = None
    records: tuple[TurnRecord, ...] = field(default=())
    csat_ticket: str | None = None
    pending: Pending | None = None

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> ConversationState:
        language = slots.get(LANGUAGE)
        notice, csat = slots.get(NOTICE), slots.get(CSAT)
        return cls(
            language=str(language) if language else None,
            pinned=bool(slots.get(PINNED)),
            closed_notice=str(notice) if notice else None,
            records=tuple(records(slots.get(RECORDS))),
            csat_ticket=str(csat) if csat else None,
            pending=Pending.from_slot(slots.get(PENDING)),
        )

    def slots(self) -> dict[str, Any]:
        return {
            LANGUAGE: self.language,
            PINNED: self.pinned,
            NOTICE: self.closed_notice,
            RECORDS: slot_value(self.records),
            CSAT: self.csat_ticket,
            PENDING: self.pending.as_slot() if self.pending else None,
        }

    def changes(self, before: ConversationState) -> dict[str, Any]:
        """The slots whose value differs from ``before``."""
        old, new = before.slots(), self.slots()
        return {key: value for key, value in new.items() if old[key] != value}

    def with_records(self, updated: Sequence[TurnRecord]) -> ConversationState:
        return replace(self, records=tuple(updated))
