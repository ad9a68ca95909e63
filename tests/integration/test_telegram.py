"""Telegram end to end: real python-telegram-bot updates posted to the running Rasa server,
answers recorded by the fake Bot API."""

from __future__ import annotations

import html
import itertools
import random
import re
import time
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
from telegram import (
    CallbackQuery,
    Chat,
    Message,
    MessageEntity,
    PhotoSize,
    Update,
    User,
)

from tests.auxil.fake_api import Failure
from tests.auxil.fake_telegram import BOT_USER, FakeTelegram, too_many_requests
from tests.auxil.fake_telegram import WEBHOOK_SECRET as TELEGRAM_SECRET
from tests.auxil.faq_files import faq_entry, faq_text, write_text
from tests.auxil.servers import BotServers

pytestmark = [pytest.mark.slow, pytest.mark.integration]

_update_ids = itertools.count(random.randint(10_000, 1_000_000))
BOT = User(BOT_USER["id"], BOT_USER["first_name"], True, username=BOT_USER["username"])


def new_chat() -> int:
    return random.randint(10**8, 10**9)


def customer(chat_id: int, language: str = "en") -> User:
    return User(chat_id, "Ana", False, last_name="Example", language_code=language)


def message(
    chat_id: int,
    text: str | None = None,
    *,
    chat_type: str = "private",
    user: User | None = None,
    **content: Any,
) -> Message:
    entities = ()
    if text and text.startswith("/"):
        entities = (MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text.split()[0])),)
    return Message(
        message_id=random.randint(1, 10**6),
        date=datetime.now(timezone.utc),
        chat=Chat(chat_id if chat_type == "private" else -chat_id, chat_type),
        from_user=user or customer(chat_id),
        text=text,
        entities=entities,
        **content,
    )


def post(
    bot: BotServers, update: Update | dict[str, Any], *, secret: str | None = TELEGRAM_SECRET
) -> requests.Response:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    body = update.to_dict() if isinstance(update, Update) else update
    return requests.post(
        f"{bot.url}/webhooks/telegram/webhook", json=body, headers=headers, timeout=90
    )


def say(bot: BotServers, chat_id: int, text: str, **kwargs: Any) -> requests.Response:
    return post(bot, Update(next(_update_ids), message=message(chat_id, text, **kwargs)))


def test_the_webhook_is_registered_despite_a_429_at_start_up(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    calls = telegram_api.wait_for("setWebhook", count=2, timeout=30)
    assert calls[1].at - calls[0].at >= 1.0  # waited as long as Telegram asked
    assert calls[1].params["url"] == "https://frontline.example/webhooks/telegram/webhook"
    assert calls[1].params["secret_token"] == TELEGRAM_SECRET
    assert set(calls[1].params["allowed_updates"]) == {
        "message",
        "edited_message",
        "callback_query",
    }


def test_a_wrong_or_missing_secret_is_refused_with_403(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    update = Update(next(_update_ids), message=message(chat, "hello"))
    assert post(bot, update, secret="wrong-secret").status_code == 403
    assert post(bot, update, secret=None).status_code == 403
    assert post(bot, update, secret=TELEGRAM_SECRET[:-1]).status_code == 403
    time.sleep(1.0)
    assert telegram_api.sent_texts(chat) == []
    assert (
        requests.post(
            f"{bot.url}/webhooks/telegram/webhook",
            data=b"not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
            timeout=30,
        ).status_code
        == 400
    )


def test_a_question_is_answered_in_html_with_typing_and_profile_metadata(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    assert say(bot, chat, "where is my order?").status_code == 200
    sent = telegram_api.wait_for("sendMessage", chat_id=chat)
    assert "<b>My account → Orders</b>" in sent[0].params["text"]
    assert sent[0].params["parse_mode"] == "HTML"
    typing = telegram_api.calls_to("sendChatAction", chat_id=chat)
    assert typing and typing[0].params["action"] == "typing" and typing[0].at <= sent[0].at

    events = bot.tracker(f"telegram-{chat}")["events"]
    user_event = next(e for e in events if e["event"] == "user")
    assert user_event["input_channel"] == "telegram"
    metadata = user_event["metadata"]
    assert metadata["platform"] == "telegram"
    assert metadata["user_id"] == str(chat)
    assert metadata["display_name"] == "Ana Example"
    assert metadata["locale_hint"] == "en"
    assert metadata["address"] == {"chat_id": chat, "chat_type": "private"}


def test_a_redelivered_update_is_answered_once(bot: BotServers, telegram_api: FakeTelegram) -> None:
    chat = new_chat()
    update = Update(next(_update_ids), message=message(chat, "how long does a refund take?"))
    assert post(bot, update).status_code == 200
    assert post(bot, update).status_code == 200  # Telegram resends when unsure
    telegram_api.wait_for("sendMessage", chat_id=chat)
    time.sleep(1.5)
    assert len(telegram_api.sent_texts(chat)) == 1
    user_turns = [e for e in bot.tracker(f"telegram-{chat}")["events"] if e["event"] == "user"]
    assert len(user_turns) == 1


def test_commands_map_to_the_conversation(bot: BotServers, telegram_api: FakeTelegram) -> None:
    chat = new_chat()
    say(bot, chat, "/start")
    assert (
        "Northwind Goods assistant"
        in telegram_api.wait_for("sendMessage", chat_id=chat)[0].params["text"]
    )
    say(bot, chat, "/help")
    assert "/human" in telegram_api.wait_for("sendMessage", 2, chat_id=chat)[1].params["text"]
    say(bot, chat, "/language")
    assert "Deutsch" in telegram_api.wait_for("sendMessage", 3, chat_id=chat)[2].params["text"]
    # Typed text can never pose as an intent payload.
    say(bot, chat, '/faq_choose{"faq_id": "refund-time"}')
    assert "/human" in telegram_api.wait_for("sendMessage", 4, chat_id=chat)[3].params["text"]
    say(bot, chat, "/human")  # last: a person takes the conversation over (test_handoff.py)
    handoff = telegram_api.wait_for("sendMessage", 5, chat_id=chat)[4].params["text"]
    assert "someone from our team" in handoff


def test_a_photo_gets_a_polite_reply(bot: BotServers, telegram_api: FakeTelegram) -> None:
    chat = new_chat()
    photo = (PhotoSize("file-id", "unique-id", 90, 90),)
    post(bot, Update(next(_update_ids), message=message(chat, None, photo=photo)))
    sent = telegram_api.wait_for("sendMessage", chat_id=chat)
    assert "only read text" in sent[0].params["text"]
    user_event = next(e for e in bot.tracker(f"telegram-{chat}")["events"] if e["event"] == "user")
    assert user_event["metadata"]["content"] == "photo"

    # A German customer whose first message is a photo gets the reply in German.
    german = new_chat()
    sticker_sender = customer(german, language="de")
    post(
        bot,
        Update(next(_update_ids), message=message(german, None, photo=photo, user=sticker_sender)),
    )
    assert "nur Text" in telegram_api.wait_for("sendMessage", chat_id=german)[0].params["text"]


def test_an_edited_message_is_answered(bot: BotServers, telegram_api: FakeTelegram) -> None:
    chat = new_chat()
    post(
        bot, Update(next(_update_ids), edited_message=message(chat, "how do I reset my password?"))
    )
    assert "Forgot password" in telegram_api.wait_for("sendMessage", chat_id=chat)[0].params["text"]


def test_group_chatter_and_channel_posts_are_ignored_but_mentions_are_answered(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    member = customer(chat + 1)
    group = {"chat_type": "supergroup", "user": member}
    assert say(bot, chat, "anyone here tried the new jacket?", **group).status_code == 200
    channel_post = Message(1, datetime.now(timezone.utc), Chat(-chat, "channel"), text="News!")
    assert post(bot, Update(next(_update_ids), channel_post=channel_post)).status_code == 200
    photo = (PhotoSize("file-id", "unique-id", 90, 90),)
    post(bot, Update(next(_update_ids), message=message(chat, None, photo=photo, **group)))
    say(bot, chat, "@frontline_bot how do I reset my password?", **group)
    sent = telegram_api.wait_for("sendMessage", chat_id=-chat)
    time.sleep(1.0)
    sent = telegram_api.calls_to("sendMessage", chat_id=-chat)
    assert len(sent) == 1 and "Forgot password" in sent[0].params["text"]
    assert bot.tracker(f"telegram--{chat}-{member.id}")["events"]


def test_a_clarification_click_is_answered_and_its_keyboard_removed(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    say(bot, chat, "I need to correct the address")
    offer = telegram_api.wait_for("sendMessage", chat_id=chat)[0]
    keyboard = offer.params["reply_markup"]["inline_keyboard"]
    choice = next(row[0] for row in keyboard if "change-order-address" in row[0]["callback_data"])
    shown = Message(
        4242, datetime.now(timezone.utc), Chat(chat, "private"), from_user=BOT, text="?"
    )
    query = CallbackQuery(
        "query-1", customer(chat), "chat-instance", message=shown, data=choice["callback_data"]
    )
    post(bot, Update(next(_update_ids), callback_query=query))
    answer = telegram_api.wait_for("sendMessage", 2, chat_id=chat)[1]
    assert "ship" in answer.params["text"].lower()
    assert telegram_api.calls_to("answerCallbackQuery", callback_query_id="query-1")
    edits = telegram_api.calls_to("editMessageReplyMarkup", chat_id=chat, message_id=4242)
    assert edits and not edits[0].params.get("reply_markup")


def test_a_handoff_takes_the_keyboards_shown_before_it_away(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    say(bot, chat, "I need to correct the address")
    offer = telegram_api.wait_for("sendMessage", chat_id=chat)[0]
    assert offer.params["reply_markup"]["inline_keyboard"]
    assert not telegram_api.calls_to("editMessageReplyMarkup", chat_id=chat)
    say(bot, chat, "I want to talk to a person")
    notice = telegram_api.wait_for("sendMessage", 2, chat_id=chat)[1]
    assert "someone from our team" in notice.params["text"]
    [edit] = telegram_api.calls_to("editMessageReplyMarkup", chat_id=chat)
    assert not edit.params.get("reply_markup")


def test_a_long_answer_is_split_into_short_messages_without_breaking_markup(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    paragraph = (
        "Our **warranty** covers manufacturing faults in every item we sell & every part of "
        "it <including> straps, zips and seams; see [the terms](https://shop.example/w?a=1&b=2). "
    ) * 12
    answer = "\n\n".join([paragraph] * 5)
    assert len(answer) > 9000
    question = "Read me the full warranty small print"
    entry = faq_entry(
        "warranty-small-print",
        question={"en": question},
        variants={"en": ["full warranty small print please"]},
        answer={"en": answer},
    )
    path = bot.workdir / "faq" / "zz-telegram-test.yml"
    write_text(path, faq_text([entry]))
    try:
        live = time.monotonic() + 20
        while "straps, zips" not in str(bot.say("probe-telegram-split", question)):
            assert time.monotonic() < live, "the new entry never went live"
            time.sleep(0.3)
        chat = new_chat()
        say(bot, chat, question)

        def parts() -> list[str]:
            return [
                str(c.params["text"]) for c in telegram_api.calls_to("sendMessage", chat_id=chat)
            ]

        def visible(part: str) -> str:
            return html.unescape(re.sub(r"<[^>]+>", "", part))

        deadline = time.monotonic() + 60
        while " ".join(map(visible, parts())).count("manufacturing faults") < 60:
            assert time.monotonic() < deadline, "the whole answer never arrived"
            time.sleep(0.2)
    finally:
        path.unlink()
    sent = parts()
    # Telegram's tone profile keeps messages short (700 characters); Telegram's own
    # limit (4096, in UTF-16 units) is the channel's last line of defence.
    assert len(sent) >= 13
    for part in sent:
        assert len(visible(part).encode("utf-16-le")) // 2 <= 700
        assert part.count("<b>") == part.count("</b>")
        assert part.count("<a href=") == part.count("</a>")
        assert "<including>" not in part
    assert all("&lt;including&gt;" in p for p in sent if "including" in p)
    assert all('href="https://shop.example/w?a=1&amp;b=2"' in p for p in sent if "<a " in p)
    joined = " ".join(visible(p) for p in sent)
    assert joined.count("manufacturing faults") == 60  # nothing lost at the cuts
    # Paced: after a short burst, about one message a second to one chat.
    calls = telegram_api.calls_to("sendMessage", chat_id=chat)
    assert calls[-1].at - calls[0].at >= len(calls) - 4


def test_a_429_on_send_is_waited_out_and_the_answer_arrives_once(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    telegram_api.fail_next("sendMessage", too_many_requests(retry_after=1))
    say(bot, chat, "how long does a refund take?")
    refused, delivered = telegram_api.wait_for("sendMessage", 2, chat_id=chat)
    assert delivered.at - refused.at >= 1.0  # waited as long as Telegram asked
    assert delivered.params["text"] == refused.params["text"]
    time.sleep(1.0)
    assert len(telegram_api.calls_to("sendMessage", chat_id=chat)) == 2


def test_one_failing_update_is_isolated_and_logged_without_personal_data(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    # The Bot API refuses every send to this chat: the turn fails, the apology fails too.
    refusal = Failure(
        400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )
    telegram_api.fail_next("sendMessage", refusal, times=2)
    say(bot, chat, "my email is ana.secret@example.com, where is my order?")
    telegram_api.wait_for("sendMessage", 2, chat_id=chat)
    log = bot.log("rasa")
    deadline = time.monotonic() + 10
    while (
        "telegram: failed to handle update" not in log.read_text() and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    text = log.read_text()
    assert "telegram: failed to handle update" in text
    assert "ana.secret@example.com" not in text
    # The channel keeps serving.
    other = new_chat()
    say(bot, other, "how do I reset my password?")
    assert (
        "Forgot password" in telegram_api.wait_for("sendMessage", chat_id=other)[0].params["text"]
    )
