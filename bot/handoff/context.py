"""The handoff's memory of a conversation, and the context package built from it. Pure.

Every customer message leaves a :class:`TurnRecord` in the ``handoff_turns`` slot:
what was written, how angry it read, whether the customer asked for a person,
whether the bot helped, and which FAQ entries it tried. The escalation policy
decides on those records; a ticket's context (transcript, sentiment over time,
FAQ entries tried, summary) is built from them and from Rasa's events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.handoff.policy import Reason, Turn
from bot.handoff.summary import summarise
from bot.store.tickets import TicketMessage
from bot.turn.history import conversation

KEEP_TURNS = 20
PROFILE_KEYS = ("platform", "user_id", "display_name", "locale_hint", "timezone")


@dataclass(frozen=True)
class TurnRecord:
    """One customer message as the handoff sees it (stored in the ``handoff_turns`` slot)."""

    text: str
    language: str
    at: float
    anger: float = 0.0
    asked_for_person: bool = False
    helped: bool = True
    offered: bool = False
    faq: tuple[dict[str, Any], ...] = field(default=())
    complaint: float = 0.0
    repeat: float = 0.0
    maybe_person: bool = False

    def as_slot(self) -> dict[str, Any]:
        data = asdict(self)
        data["faq"] = list(self.faq)
        return data

    @classmethod
    def from_slot(cls, data: Mapping[str, Any]) -> TurnRecord:
        return cls(
            text=str(data.get("text", "")),
            language=str(data.get("language", "en")),
            at=float(data.get("at", 0.0)),
            anger=float(data.get("anger", 0.0)),
            asked_for_person=bool(data.get("asked_for_person", False)),
            helped=bool(data.get("helped", True)),
            offered=bool(data.get("offered", False)),
            faq=tuple(dict(hit) for hit in data.get("faq") or ()),
            complaint=float(data.get("complaint", 0.0)),
            repeat=float(data.get("repeat", 0.0)),
            maybe_person=bool(data.get("maybe_person", False)),
        )

    def policy_turn(self) -> Turn:
        return Turn(
            text=self.text,
            language=self.language,
            anger=self.anger,
            asked_for_person=self.asked_for_person,
            helped=self.helped,
            complaint=self.complaint,
            repeat=self.repeat,
            maybe_person=self.maybe_person,
        )


def records(slot: object) -> list[TurnRecord]:
    """The records in the slot's value; anything malformed is skipped."""
    if not isinstance(slot, list):
        return []
    return [TurnRecord.from_slot(item) for item in slot if isinstance(item, Mapping)]


def slot_value(history: Sequence[TurnRecord]) -> list[dict[str, Any]]:
    """The slot's new value: the most recent :data:`KEEP_TURNS` records."""
    return [record.as_slot() for record in history[-KEEP_TURNS:]]


def customer_profile(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The customer's profile for a ticket, from a message's metadata.

    A widget session id is the key to that customer's conversation, so it never
    leaves the tracker: the ticket gets a pseudonym derived from it instead.
    """
    profile = {key: metadata.get(key) for key in PROFILE_KEYS}
    if profile["platform"] == "web" and profile["user_id"]:
        profile["user_id"] = visitor(str(profile["user_id"]))
        profile["display_name"] = (
            profile["display_name"] or f"Web visitor {profile['user_id'][-6:]}"
        )
    return profile


def visitor(session_id: str) -> str:
    """A stable pseudonym for a widget session that does not reveal it."""
    return "visitor-" + hashlib.sha256(session_id.encode()).hexdigest()[:12]


def reason_dicts(reasons: Iterable[Reason], history: Sequence[TurnRecord]) -> list[dict[str, Any]]:
    """Reasons with their evidence, each quoting the message it is about."""
    out = []
    for reason in reasons:
        quote = history[reason.message].text if 0 <= reason.message < len(history) else ""
        out.append(
            {
                "signal": reason.signal,
                "message": reason.message,
                "evidence": reason.evidence,
                "score": reason.score,
                "quote": quote[:280],
            }
        )
    return out


def sentiment(history: Sequence[TurnRecord]) -> list[dict[str, Any]]:
    """The anger signal over the conversation, one point per customer message."""
    return [
        {"message": i, "at": _iso(r.at), "anger": round(r.anger, 3)} for i, r in enumerate(history)
    ]


def faq_tried(history: Sequence[TurnRecord]) -> list[dict[str, Any]]:
    """Every FAQ entry the bot tried, with its best score, best first."""
    best: dict[str, dict[str, Any]] = {}
    for record in history:
        for hit in record.faq:
            known = best.get(str(hit.get("id")))
            if known is None or float(hit.get("score", 0)) > float(known.get("score", 0)):
                best[str(hit.get("id"))] = dict(hit)
    return sorted(best.values(), key=lambda hit: -float(hit.get("score", 0)))


def transcript(events: Iterable[Mapping[str, Any]]) -> list[TicketMessage]:
    """Customer, bot and agent turns from Rasa's events, with their times and names; a
    clicked button shows its title (:func:`bot.turn.history.conversation`)."""
    return [
        TicketMessage(at=u.at, author=u.author, text=u.text, name=u.name)
        for u in conversation(events)
        if u.text
    ]


def summary(messages: Sequence[TicketMessage]) -> str:
    """A short extractive summary of what the customer wrote."""
    return summarise(
        [m.text for m in messages if m.author == "customer" and not m.text.startswith("/")]
    )


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat()
