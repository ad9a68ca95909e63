"""What a Telegram update means for the bot (pure: no network, no Rasa).

Private chats always get an answer: text and commands go to Rasa, clicks carry
their button's payload, and content the bot cannot read becomes the
``unsupported_content`` intent, which Rasa answers politely in the customer's
language. In groups the bot speaks only when addressed (a command, a mention, a
reply to it); channel posts and service updates are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Message, MessageEntity, Update, User

from bot.channels.base import Profile, typed

# Telegram commands and the Rasa intents they stand for.
COMMANDS = {
    "start": "/greet",
    "help": "/help",
    "human": "/request_human",
    "language": "/choose_language",
}
UNSUPPORTED = "/unsupported_content"

# Content kinds the bot cannot read, in the order Telegram's Message checks them.
_CONTENT_KINDS = (
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "sticker",
    "animation",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


@dataclass(frozen=True)
class Inbound:
    """One update the bot should act on.

    Attributes:
        text: What Rasa receives: the customer's text or an ``/intent`` payload.
        chat_id: Where replies go.
        chat_type: ``private``, ``group``, ``supergroup``.
        profile: The customer as Telegram describes them.
        kind: ``text``, ``command``, ``click`` or ``unsupported``.
        callback_query_id: For clicks, the query to answer.
        clicked_message_id: For clicks, the message whose keyboard was used.
        extra: Metadata for Rasa (``edited``, ``content``, ``command``).
    """

    text: str
    chat_id: int
    chat_type: str
    profile: Profile
    kind: str
    callback_query_id: str | None = None
    clicked_message_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sender_id(self) -> str:
        """One conversation per private chat, and one per member in a group."""
        if self.chat_type == "private":
            return f"telegram-{self.chat_id}"
        return f"telegram-{self.chat_id}-{self.profile.user_id}"


def profile_of(user: User) -> Profile:
    return Profile(
        platform="telegram",
        user_id=str(user.id),
        display_name=user.full_name or None,
        locale_hint=user.language_code,
        timezone=None,  # Telegram does not share a user's timezone with bots
    )


def read_update(update: Update, *, bot_username: str) -> Inbound | None:
    """The action ``update`` calls for, or None when the right thing is to ignore it."""
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        if message is None or query.data is None:
            return None
        return Inbound(
            text=query.data,
            chat_id=message.chat.id,
            chat_type=message.chat.type,
            profile=profile_of(query.from_user),
            kind="click",
            callback_query_id=query.id,
            clicked_message_id=message.message_id,
        )
    message = update.message or update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None  # channel posts, membership changes, polls, other bots
    edited = {"edited": True} if update.edited_message is not None else {}
    private = message.chat.type == "private"
    text = message.text or ""
    command = _command(message, bot_username)
    if command is not None:
        return _inbound(
            message, COMMANDS.get(command, "/help"), "command", {**edited, "command": command}
        )
    if text:
        if not private and not _addressed(message, bot_username):
            return None
        cleaned = typed(_without_mention(text, bot_username))
        if not cleaned:
            return _inbound(message, "/help", "command", {**edited, "command": "help"})
        return _inbound(message, cleaned, "text", edited)
    if not private or _is_service_message(message):
        return None
    kind = next((k for k in _CONTENT_KINDS if getattr(message, k, None)), "other")
    return _inbound(message, UNSUPPORTED, "unsupported", {**edited, "content": kind})


def _inbound(message: Message, text: str, kind: str, extra: dict[str, Any]) -> Inbound:
    assert message.from_user is not None
    return Inbound(
        text=text,
        chat_id=message.chat.id,
        chat_type=message.chat.type,
        profile=profile_of(message.from_user),
        kind=kind,
        extra=extra,
    )


def _command(message: Message, bot_username: str) -> str | None:
    """The command at the start of the message (``/help`` or ``/help@bot``), if any."""
    entities = message.entities or ()
    first = next((e for e in entities if e.offset == 0), None)
    if first is None or first.type != MessageEntity.BOT_COMMAND or not message.text:
        return None
    name, _, target = message.text[1 : first.length].partition("@")
    if target and target.lower() != bot_username.lower():
        return None  # a command meant for another bot in the group
    return name.lower()


def _addressed(message: Message, bot_username: str) -> bool:
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.is_bot:
        return reply.from_user.username == bot_username
    return f"@{bot_username}".lower() in (message.text or "").lower()


def _without_mention(text: str, bot_username: str) -> str:
    mention = f"@{bot_username}"
    index = text.lower().find(mention.lower())
    return text if index < 0 else text[:index] + text[index + len(mention) :]


def _is_service_message(message: Message) -> bool:
    """Joins, leaves, pins, title changes: nothing the customer said."""
    return bool(
        message.new_chat_members
        or message.left_chat_member
        or message.pinned_message
        or message.new_chat_title
        or message.group_chat_created
    )
