"""The metadata a channel attaches to a customer message, typed once for both sides.

Channels write it (:meth:`bot.channels.base.Turn.metadata`); Rasa stores it with the
user event and ships it to the action server, where :func:`read_metadata` reads it
back for the turn. Anything of the wrong type is dropped on the way in, so the turn
never trusts a field it did not check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

BUTTON_TITLE = "button_title"
"""The title of the button the customer clicked (the text they saw)."""


class MessageMetadata(TypedDict, total=False):
    """Who wrote a message and where replies go, as far as the platform tells us.

    Attributes:
        platform: ``web``, ``telegram``, ``slack`` or ``rest``.
        user_id: The platform's id of the customer (a widget session id never
            leaves the tracker; see :func:`bot.handoff.context.customer_profile`).
        display_name: The name the platform shows.
        locale_hint: The platform's locale (``de-AT``, ``pt_BR``).
        timezone: An IANA timezone, where the platform shares one.
        address: Where replies go (chat id, channel and thread, widget room).
        button_title: The clicked button's title, for a click.
        edited: The customer edited an earlier message.
        command: A platform command (``/help``) the message came from.
        content: What a message the bot cannot read contained (``photo``...).
        slack_event: The Slack event type the message came from.
    """

    platform: str
    user_id: str
    display_name: str | None
    locale_hint: str | None
    timezone: str | None
    address: dict[str, Any]
    button_title: str
    edited: bool
    command: str
    content: str
    slack_event: str


_TEXT_FIELDS = (
    "platform",
    "user_id",
    "display_name",
    "locale_hint",
    "timezone",
    "button_title",
    "command",
    "content",
    "slack_event",
)


def read_metadata(raw: object) -> MessageMetadata:
    """The well-typed fields of a user event's metadata; everything else is dropped."""
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, Any] = {
        key: raw[key] for key in _TEXT_FIELDS if isinstance(raw.get(key), str) and raw[key]
    }
    if isinstance(raw.get("address"), Mapping):
        out["address"] = dict(raw["address"])
    if isinstance(raw.get("edited"), bool):
        out["edited"] = raw["edited"]
    return MessageMetadata(**out)  # type: ignore[typeddict-item]
