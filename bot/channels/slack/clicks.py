"""Button clicks (``block_actions``) in, the chosen payload out, as the customer's message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.slack.address import SlackAddress, conversation_id
from bot.channels.slack.events import Inbound

# action_id prefixes set by :mod:`bot.channels.slack.blocks`.
CHOICE_PREFIX = "choice-"
LINK_PREFIX = "link-"


@dataclass(frozen=True)
class Click:
    """A choice made on one of the bot's messages.

    Attributes:
        inbound: The button's payload, as the customer's message.
        title: The button's text, shown on the message once chosen.
        message_ts: The message that carried the buttons.
        message_text: Its fallback text, kept when the buttons are taken away.
        message_blocks: Its blocks, or None when Slack did not send them.
    """

    inbound: Inbound
    title: str
    message_ts: str
    message_text: str
    message_blocks: tuple[dict[str, Any], ...] | None


def read_click(body: dict[str, Any]) -> Click | None:
    """The choice in a ``block_actions`` payload, or None (a link button, something else)."""
    if body.get("type") != "block_actions":
        return None
    actions = body.get("actions") or []
    action = actions[0] if actions and isinstance(actions[0], dict) else {}
    value = action.get("value")
    if not str(action.get("action_id", "")).startswith(CHOICE_PREFIX) or not value:
        return None
    user = (body.get("user") or {}).get("id")
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    message = body.get("message") or {}
    message_ts = container.get("message_ts") or message.get("ts")
    if not (user and channel and message_ts):
        return None
    team = str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")
    title = str((action.get("text") or {}).get("text") or value)
    blocks = message.get("blocks")
    inbound = Inbound(
        sender_id=conversation_id(team_id=team, user_id=user, channel_id=channel),
        user_id=user,
        text=str(value),
        address=SlackAddress(
            team_id=team,
            channel_id=channel,
            thread_ts=message.get("thread_ts") or container.get("thread_ts"),
        ),
        # One choice per message: a retry or a quick second click on the same
        # buttons is a redelivery, since the first click takes the buttons away.
        delivery_key=f"click:{channel}:{message_ts}",
        extra={"slack_event": "block_actions", "button_title": title},
    )
    return Click(
        inbound=inbound,
        title=title,
        message_ts=str(message_ts),
        message_text=str(message.get("text") or ""),
        message_blocks=tuple(blocks) if isinstance(blocks, list) else None,
    )
