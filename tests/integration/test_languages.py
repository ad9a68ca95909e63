"""Conversations that change language midway, on every channel, through the running servers.

Each channel has its own tone: Telegram casual (du, tú), Slack and the web widget formal.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from bot.tone.formality import register_of
from tests.auxil.fake_slack import TEAM_ID, FakeSlack
from tests.auxil.fake_telegram import BOT_USER, FakeTelegram
from tests.auxil.servers import BotServers
from tests.integration.test_slack import event, new_customer, send, unique
from tests.integration.test_telegram import _update_ids, customer, new_chat, post, say

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_rest_a_clear_switch_is_followed_a_short_reply_is_not_and_a_request_pins(
    bot: BotServers,
) -> None:
    sender = f"lang-{uuid.uuid4().hex[:8]}"
    assert "Forgot password" in texts(bot.say(sender, "how do I reset my password?"))

    spanish = texts(bot.say(sender, "¿cuánto tarda en llegar un reembolso?"))
    assert "reembolso" in spanish.lower()
    assert bot.tracker(sender)["slots"]["language"] == "es"
    bot.say(sender, "ok")
    assert bot.tracker(sender)["slots"]["language"] == "es"

    switched = texts(bot.say(sender, "can we speak German please?"))
    assert switched == "Gern, dann machen wir auf Deutsch weiter."
    slots = bot.tracker(sender)["slots"]
    assert slots["language"] == "de" and slots["language_pinned"] is True
    # An explicit choice holds, even against a clear English sentence.
    answer = texts(bot.say(sender, "how long does delivery to Austria take?"))
    assert register_of(answer, "de") == "formal"  # the web/REST profile speaks Sie


def test_telegram_switches_by_menu_and_answers_in_casual_french(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    say(bot, chat, "where is my order?")
    first = telegram_api.wait_for("sendMessage", chat_id=chat)[0].params["text"]
    assert "tracking" in first.lower()

    say(bot, chat, "/language")
    menu = telegram_api.wait_for("sendMessage", 2, chat_id=chat)[1]
    rows = menu.params["reply_markup"]["inline_keyboard"]
    titles = [row[0]["text"] for row in rows]
    assert titles == ["English", "Español", "Deutsch", "Français", "Português", "العربية"]
    french = next(row[0] for row in rows if row[0]["text"] == "Français")
    shown = Message(
        77,
        datetime.now(timezone.utc),
        Chat(chat, "private"),
        from_user=User(BOT_USER["id"], "Frontline", True),
        text="?",
    )
    query = CallbackQuery("q-fr", customer(chat), "ci", message=shown, data=french["callback_data"])
    post(bot, Update(next(_update_ids), callback_query=query))
    confirmed = telegram_api.wait_for("sendMessage", 3, chat_id=chat)[2].params["text"]
    assert "français" in confirmed.lower()

    say(bot, chat, "Où est ma commande ? Je l'attends depuis une semaine.")
    answer = telegram_api.wait_for("sendMessage", 4, chat_id=chat)[3].params["text"]
    # Written in French, in the casual register Telegram uses (tu, not vous).
    assert "suivi" in answer.lower() and "pas encore disponible" not in answer
    assert " tu " in f" {answer.lower()} " or "ta commande" in answer.lower()
    assert " vous " not in f" {answer.lower()} "


def test_telegram_a_clear_switch_gets_the_casual_register(
    bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    say(bot, chat, "how long does a refund take?")
    telegram_api.wait_for("sendMessage", chat_id=chat)
    say(bot, chat, "Wie lange dauert es, bis ich mein Geld zurückbekomme?")
    answer = telegram_api.wait_for("sendMessage", 2, chat_id=chat)[1].params["text"]
    assert register_of(answer, "de") == "casual"


def test_slack_follows_a_switch_to_german_in_the_formal_register(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api, locale="en-US"), unique("D")
    send(bot, event(user=user, channel=channel, text="how do I reset my password?"))
    english = slack_api.wait_for("chat.postMessage", channel=channel)[0].params["text"]
    assert "*Forgot password?*" in english

    send(
        bot,
        event(
            user=user,
            channel=channel,
            text="Wie setze ich mein Passwort zurück? Ich komme nicht rein.",
        ),
    )
    german = slack_api.wait_for("chat.postMessage", 2, channel=channel)[1].params["text"]
    assert "*Passwort vergessen?*" in german
    assert register_of(german, "de") == "formal"
    tracker = bot.tracker(f"slack-{TEAM_ID}-{user}")
    assert tracker["slots"]["language"] == "de"


def test_slack_a_spanish_customer_by_locale_gets_usted(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api, locale="es-ES", tz="Europe/Madrid"), unique("D")
    send(bot, event(user=user, channel=channel, text="hola"))
    greeting = slack_api.wait_for("chat.postMessage", channel=channel)[0].params["text"]
    assert greeting.startswith("Buenos días.") and "Pregúnteme" in greeting
    assert "!" not in greeting and "¡" not in greeting
