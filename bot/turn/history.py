"""A conversation as the people in it saw it, rebuilt from Rasa's tracker events. Pure.

One reading serves the turn (what was offered, who spoke), the ticket's transcript
for agents and the widget's history after a reload, so they never disagree: a click
shows the title of the button, not its ``/intent`` payload, and an agent's message
carries the agent's name and avatar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from bot.turn.metadata import BUTTON_TITLE

EXTERNAL_PREFIX = "EXTERNAL: "  # Rasa's marker for intents triggered from outside

Author = Literal["customer", "bot", "agent"]


@dataclass(frozen=True)
class Choice:
    """A button as it was shown."""

    title: str
    payload: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Utterance:
    """One message of the conversation.

    Attributes:
        author: ``customer``, ``bot`` (the assistant and the desk's notices) or ``agent``.
        text: What was shown: a click's button title rather than its payload.
        at: When, in UTC.
        name: The customer's or the agent's name, where known.
        avatar: The agent's avatar URL, if the account has one.
        choices: The buttons a bot message offered.
        quick_replies: True when those choices go away once one is used.
        sent: What the customer's message carried to Rasa (the payload of a click).
        kind: What a bot message was (``answer``, ``clarify``, ``offer``...), if recorded.
        entry: The FAQ entry a bot message answered with, if any.
    """

    author: Author
    text: str
    at: datetime
    name: str | None = None
    avatar: str | None = None
    choices: tuple[Choice, ...] = ()
    quick_replies: bool = False
    sent: str = ""
    kind: str | None = None
    entry: str | None = None

    @property
    def clicked(self) -> bool:
        return self.author == "customer" and self.sent.startswith("/") and self.text != self.sent


def conversation(events: Iterable[Mapping[str, Any]]) -> list[Utterance]:
    """Customer, bot and agent messages of ``events`` (Rasa's event dicts), oldest first."""
    out: list[Utterance] = []
    offered: dict[str, str] = {}
    for event in events:
        kind, raw = event.get("event"), event.get("text")
        metadata = event.get("metadata") or {}
        at = datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=timezone.utc)
        if kind == "user":
            sent = str(raw or "")
            if not sent or sent.startswith(EXTERNAL_PREFIX):
                continue
            title = metadata.get(BUTTON_TITLE) or offered.get(sent)
            name = metadata.get("display_name")
            out.append(
                Utterance("customer", str(title) if title else sent, at, name=name, sent=sent)
            )
        elif kind == "bot":
            utterance = _bot(event, metadata, at)
            if utterance is not None:
                out.append(utterance)
                offered.update({c.payload: c.title for c in utterance.choices if c.payload})
    return out


BUTTONS_CLOSED = "buttons_closed"
"""The kind of the marker a handoff leaves: buttons shown before it can no longer be used."""


def _bot(event: Mapping[str, Any], metadata: Mapping[str, Any], at: datetime) -> Utterance | None:
    data = event.get("data") or {}
    custom = data.get("custom")
    if isinstance(custom, Mapping) and custom.get("frontline") == "disable_buttons":
        return Utterance("bot", "", at, kind=BUTTONS_CLOSED)
    listed = data.get("quick_replies") or data.get("buttons") or []
    choices = tuple(
        Choice(str(b.get("title", "")), str(b.get("payload", "")), b.get("url") or None)
        for b in listed
        if isinstance(b, Mapping)
    )
    parts = [str(event.get("text") or "")]
    parts += [str(data[key]) for key in ("image", "attachment") if isinstance(data.get(key), str)]
    text = "\n\n".join(part for part in parts if part)
    if not text and not choices:
        return None
    agent = metadata.get("author") == "agent"
    return Utterance(
        "agent" if agent else "bot",
        text,
        at,
        name=str(metadata["agent"]) if agent and metadata.get("agent") else None,
        avatar=str(metadata["avatar"]) if agent and metadata.get("avatar") else None,
        choices=choices,
        quick_replies=bool(data.get("quick_replies")),
        kind=str(metadata["kind"]) if metadata.get("kind") else None,
        entry=str(metadata["entry"]) if metadata.get("entry") else None,
    )
