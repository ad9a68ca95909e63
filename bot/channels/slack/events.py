"""Slack events in, customer messages out: which events the bot answers, and what it ignores.

Pure functions of the event body, so every rule is tested without Slack or Rasa.
The bot answers direct messages (``message.im``) and mentions in channels
(``app_mention``). It ignores its own messages and other bots', edits,
deletions and channel notices (``subtype``), messages in channels that do not
mention it, and a mention inside a DM (the DM message itself is answered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.channels.base import Profile, Turn, typed
from bot.channels.slack.address import SlackAddress, conversation_id, is_direct_message

# The Events API subscriptions the channel handles; the app manifest lists exactly these.
# Customers' messages are ``message.im`` and ``app_mention`` (read here); channel messages
# (``message.channels``, ``message.groups``) are for agents' replies in the agent
# channel (read by :mod:`bot.channels.slack.agent_events`) and are ignored here.
SUBSCRIBED_EVENTS = ("app_mention", "message.im", "message.channels", "message.groups")

# Message subtypes a customer produces by writing; every other subtype (message_changed,
# message_deleted, bot_message, channel_join, ...) is not something to answer.
_CUSTOMER_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})

UNSUPPORTED_CONTENT = "/unsupported_content"
EMPTY_MENTION = "/greet"


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in this workspace (from ``auth.test``), to skip its own messages."""

    user_id: str | None = None
    bot_id: str | None = None


@dataclass(frozen=True)
class Inbound:
    """A customer's message or click from Slack, before their profile is looked up.

    Attributes:
        sender_id: Rasa's conversation id (see :func:`conversation_id`).
        user_id: The Slack user who wrote or clicked.
        text: What goes to Rasa: plain text, or a ``/intent`` payload.
        address: Where the answer goes.
        delivery_key: Identifies the message across redeliveries.
        extra: More message metadata.
    """

    sender_id: str
    user_id: str
    text: str
    address: SlackAddress
    delivery_key: str
    extra: dict[str, Any] = field(default_factory=dict)

    def turn(self, profile: Profile) -> Turn:
        return Turn(
            sender_id=self.sender_id,
            text=self.text,
            profile=profile,
            address=self.address.as_dict(),
            delivery_key=self.delivery_key,
            extra=self.extra,
        )


def read_event(body: dict[str, Any], *, bot: BotIdentity) -> Inbound | None:
    """The customer message in an ``event_callback`` body, or None when it is not one."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    kind = event.get("type")
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not (isinstance(user, str) and isinstance(channel, str) and isinstance(ts, str)):
        return None
    if event.get("bot_id") or (bot.user_id is not None and user == bot.user_id):
        return None
    if event.get("subtype") not in _CUSTOMER_SUBTYPES or event.get("hidden"):
        return None
    direct = is_direct_message(channel)
    if kind == "message" and direct and event.get("channel_type", "im") == "im":
        thread_ts = event.get("thread_ts")
    elif kind == "app_mention" and not direct:
        thread_ts = event.get("thread_ts") or ts
    else:
        return None
    text = typed(customer_text(str(event.get("text") or ""), bot_user_id=bot.user_id))
    if not text:
        if kind == "app_mention":
            text = EMPTY_MENTION
        elif event.get("files"):
            text = UNSUPPORTED_CONTENT
        else:
            return None
    team = str(body.get("team_id") or event.get("team") or "")
    return Inbound(
        sender_id=conversation_id(team_id=team, user_id=user, channel_id=channel),
        user_id=user,
        text=text,
        address=SlackAddress(team_id=team, channel_id=channel, thread_ts=thread_ts),
        # The message, not the event: a message that came as two events is answered once.
        delivery_key=f"message:{channel}:{ts}",
        extra={"slack_event": kind},
    )


_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def customer_text(text: str, *, bot_user_id: str | None) -> str:
    """Slack's message markup as the plain text a customer typed.

    Mentions of the bot are dropped, other mentions become ``@name``, links
    their label or address, and Slack's ``&amp; &lt; &gt;`` are decoded.
    """

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return label or target

    text = _MARKUP.sub(plain, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", text).strip()
