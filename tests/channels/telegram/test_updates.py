"""What the bot makes of real python-telegram-bot updates."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from telegram import (
    CallbackQuery,
    Chat,
    Location,
    Message,
    MessageEntity,
    PhotoSize,
    Sticker,
    Update,
    User,
    Voice,
)

from bot.channels.telegram.updates import read_update

BOT = User(1, "Frontline", True, username="frontline_bot")
ANA = User(42, "Ana", False, last_name="Example", language_code="de")


def message(text: str | None = None, *, chat: str = "private", **content: Any) -> Message:
    entities = ()
    if text and text.startswith("/"):
        entities = (MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text.split()[0])),)
    return Message(
        7,
        datetime.now(timezone.utc),
        Chat(42 if chat == "private" else -99, chat),
        from_user=content.pop("from_user", ANA),
        text=text,
        entities=entities,
        **content,
    )


def read(update: Update):
    return read_update(update, bot_username="frontline_bot")


def test_private_text_goes_to_rasa_with_the_profile() -> None:
    inbound = read(Update(1, message=message("where is my order?")))
    assert inbound is not None
    assert (inbound.text, inbound.kind, inbound.sender_id) == (
        "where is my order?",
        "text",
        "telegram-42",
    )
    assert inbound.profile.display_name == "Ana Example"
    assert inbound.profile.locale_hint == "de"
    assert inbound.profile.platform == "telegram"


@pytest.mark.parametrize(
    ("command", "intent"),
    [
        ("/start", "/greet"),
        ("/help", "/help"),
        ("/human", "/request_human"),
        ("/language", "/choose_language"),
        ("/start@frontline_bot", "/greet"),
        ("/unknown", "/help"),
        ('/faq_choose{"faq_id":"x"}', "/help"),
    ],
)
def test_commands_become_intents_and_nothing_else_does(command: str, intent: str) -> None:
    inbound = read(Update(1, message=message(command)))
    assert inbound is not None and inbound.text == intent and inbound.kind == "command"


def test_a_command_for_another_bot_in_a_group_is_ignored() -> None:
    assert read(Update(1, message=message("/start@other_bot", chat="group"))) is None


@pytest.mark.parametrize(
    "content",
    [
        {"photo": (PhotoSize("f", "u", 10, 10),)},
        {"voice": Voice("f", "u", 3)},
        {"sticker": Sticker("f", "u", 10, 10, False, False, "regular")},
        {"location": Location(2.35, 48.85)},
    ],
)
def test_content_the_bot_cannot_read_gets_the_unsupported_intent(content: dict[str, Any]) -> None:
    inbound = read(Update(1, message=message(None, **content)))
    assert inbound is not None
    assert inbound.text == "/unsupported_content"
    assert inbound.extra["content"] == next(iter(content))


def test_in_groups_the_bot_answers_only_when_addressed() -> None:
    assert read(Update(1, message=message("hi all", chat="supergroup"))) is None
    assert (
        read(Update(1, message=message(None, chat="group", photo=(PhotoSize("f", "u", 1, 1),))))
        is None
    )
    mention = read(Update(1, message=message("@frontline_bot where is my order?", chat="group")))
    assert mention is not None and mention.text == "where is my order?"
    assert mention.sender_id == "telegram--99-42"
    reply = message(
        "and returns?", chat="group", reply_to_message=message("Sure!", chat="group", from_user=BOT)
    )
    assert read(Update(1, message=reply)) is not None


def test_channel_posts_service_messages_and_other_bots_are_ignored() -> None:
    post = Message(1, datetime.now(timezone.utc), Chat(-5, "channel"), text="News")
    assert read(Update(1, channel_post=post)) is None
    assert read(Update(1, message=message(None, new_chat_members=(ANA,), chat="group"))) is None
    assert read(Update(1, message=message("beep", from_user=User(9, "Other", True)))) is None


def test_edited_messages_are_read_again_and_marked() -> None:
    inbound = read(Update(1, edited_message=message("where is my parcel?")))
    assert inbound is not None and inbound.extra == {"edited": True}


def test_typed_slashes_cannot_pose_as_intents_in_a_mention() -> None:
    inbound = read(Update(1, message=message("@frontline_bot /request_human", chat="group")))
    assert inbound is not None and inbound.text == "request_human"


def test_a_click_carries_its_callback_data() -> None:
    shown = message("Which one?", from_user=BOT)
    query = CallbackQuery("q1", ANA, "ci", message=shown, data='/faq_choose{"faq_id": "a"}')
    inbound = read(Update(1, callback_query=query))
    assert inbound is not None
    assert inbound.kind == "click" and inbound.text == '/faq_choose{"faq_id": "a"}'
    assert inbound.callback_query_id == "q1" and inbound.clicked_message_id == 7
