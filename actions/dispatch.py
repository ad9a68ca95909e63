"""The turn's reply as Rasa messages and events."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.turn.reply import TurnReply
from bot.turn.state import ConversationState

DISABLE_BUTTONS = {"frontline": "disable_buttons"}
"""Custom message the channels read as "the buttons shown so far can no longer be used"."""


def send(dispatcher: CollectingDispatcher, reply: TurnReply) -> None:
    """Each message, with its kind and entry recorded on the bot event's metadata."""
    if reply.disable_buttons:
        dispatcher.utter_message(json_message=DISABLE_BUTTONS)
    for message in reply.messages:
        dispatcher.utter_message(
            text=message.text, buttons=list(message.buttons), kind=message.kind, entry=message.entry
        )


def events(reply: TurnReply, before: ConversationState) -> list[dict[str, Any]]:
    """The slots the turn changed, and the pause."""
    out: list[dict[str, Any]] = [
        SlotSet(key, value) for key, value in reply.state.changes(before).items()
    ]
    if reply.pause:
        out.append(ConversationPaused())
    return out
