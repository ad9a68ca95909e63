"""A widget conversation as the customer saw it, rebuilt from Rasa's tracker events.

After a reload the widget shows the history again, read the same way as the agents'
transcript (:func:`bot.turn.history.conversation`): a click shows the button's title,
an agent's message shows the agent's name. Quick replies that were already used are
gone, and buttons that were clicked, or closed by a handoff, come back disabled,
exactly as they looked before the reload.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.channels.base import Outgoing
from bot.channels.web.wire import ButtonWire, HistoryItem
from bot.turn.history import BUTTONS_CLOSED, Utterance, conversation


def buttons_wire(outgoing: Outgoing) -> list[ButtonWire]:
    return [{"title": b.title, "payload": b.payload, "url": b.url} for b in outgoing.buttons]


def conversation_history(
    events: Iterable[Mapping[str, Any]], *, limit: int = 200
) -> list[HistoryItem]:
    """The last ``limit`` messages of ``events`` (Rasa's event dicts), oldest first."""
    items: list[HistoryItem] = []
    for utterance in conversation(events):
        if utterance.kind == BUTTONS_CLOSED:
            _close_all(items)
        elif utterance.author == "customer":
            _settle_choices(items, utterance.sent)
            if not (utterance.text.startswith("/") and not utterance.clicked):
                items.append(_item(utterance))
        else:
            items.append(_item(utterance))
    return items[-limit:] if limit else []


def _item(utterance: Utterance) -> HistoryItem:
    who = {"customer": "user", "bot": "bot", "agent": "agent"}[utterance.author]
    return {
        "who": who,  # type: ignore[typeddict-item]
        "text": utterance.text,
        "buttons": [
            {"title": c.title, "payload": c.payload, "url": c.url} for c in utterance.choices
        ],
        "quick_replies": utterance.quick_replies,
        "answered": False,
        "name": utterance.name if utterance.author == "agent" else None,
        "avatar": utterance.avatar,
    }


def _settle_choices(items: list[HistoryItem], sent: str) -> None:
    """A user message removes pending quick replies and marks the clicked message answered."""
    for item in items:
        if item["who"] == "user" or not item["buttons"]:
            continue
        if item["quick_replies"]:
            item["buttons"] = []
            item["quick_replies"] = False
        elif any(button["payload"] == sent for button in item["buttons"]):
            item["answered"] = True


def _close_all(items: list[HistoryItem]) -> None:
    """A handoff closed every button shown so far."""
    for item in items:
        if item["quick_replies"]:
            item["buttons"], item["quick_replies"] = [], False
        elif item["buttons"]:
            item["answered"] = True
