"""A widget conversation as the customer saw it, rebuilt from Rasa's tracker events.

After a reload the widget shows the history again. User messages show what the
customer saw: a clicked button's title, not its ``/intent`` payload. Quick replies
that were already used are gone, and attached buttons that were clicked come back
disabled, exactly as they looked before the reload.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.channels.base import Outgoing
from bot.channels.web.wire import ButtonWire, HistoryItem
from bot.handoff.context import EXTERNAL_PREFIX

BUTTON_TITLE_KEY = "button_title"
"""User-event metadata: the title of the button the customer clicked."""


def buttons_wire(outgoing: Outgoing) -> list[ButtonWire]:
    return [{"title": b.title, "payload": b.payload, "url": b.url} for b in outgoing.buttons]


def conversation_history(
    events: Iterable[Mapping[str, Any]], *, limit: int = 200
) -> list[HistoryItem]:
    """The last ``limit`` messages of ``events`` (Rasa's event dicts), oldest first."""
    items: list[HistoryItem] = []
    offered: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "bot":
            outgoing = Outgoing.from_rasa({**(event.get("data") or {}), "text": event.get("text")})
            text = "\n\n".join(p for p in (outgoing.text, outgoing.image, outgoing.attachment) if p)
            if not text and not outgoing.buttons:
                continue
            items.append(
                {
                    "who": "bot",
                    "text": text,
                    "buttons": buttons_wire(outgoing),
                    "quick_replies": outgoing.quick_replies,
                    "answered": False,
                }
            )
            offered.update({b.payload: b.title for b in outgoing.buttons if b.payload})
        elif kind == "user":
            sent = str(event.get("text") or "")
            _settle_choices(items, sent)
            metadata = event.get("metadata") or {}
            title = metadata.get(BUTTON_TITLE_KEY) or offered.get(sent)
            shown = str(title) if title else sent
            if sent.startswith(EXTERNAL_PREFIX):  # an intent the desk triggered, not a message
                continue
            if shown and not (shown.startswith("/") and not title):
                items.append(
                    {
                        "who": "user",
                        "text": shown,
                        "buttons": [],
                        "quick_replies": False,
                        "answered": False,
                    }
                )
    return items[-limit:] if limit else []


def _settle_choices(items: list[HistoryItem], sent: str) -> None:
    """A user message removes pending quick replies and marks the clicked message answered."""
    for item in items:
        if item["who"] != "bot" or not item["buttons"]:
            continue
        if item["quick_replies"]:
            item["buttons"] = []
            item["quick_replies"] = False
        elif any(button["payload"] == sent for button in item["buttons"]):
            item["answered"] = True
