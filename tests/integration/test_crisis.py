"""Crisis mode end to end on the real servers (issue 15).

An agent declares an incident about order tracking and approves its statement. Customers
who ask about their order on Telegram (in German), on Slack and in the widget get the
statement once, first, in their language and the crisis voice; a customer asking
something else gets the usual answer. One asks to be notified; the agents' update and
the follow-up at resolution reach them on their own channel, once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from telegram import CallbackQuery, Chat, Message, Update

from bot.crisis.incident import Incident
from bot.settings import Settings
from bot.store.db import create_database, session_factory
from bot.store.incidents import Incidents
from tests.auxil.fake_slack import FakeSlack
from tests.auxil.fake_telegram import FakeTelegram
from tests.auxil.servers import BotServers
from tests.integration.test_slack import event, new_customer, send, unique
from tests.integration.test_telegram import BOT, _update_ids, customer, new_chat, post, say
from tests.integration.test_web_widget import (  # noqa: F401 - browser is a fixture
    ask,
    bot_says,
    browser,
    open_context,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]

STATEMENT = {
    "en": "Order tracking is unavailable right now! We are working on it; next update by 14:00.",
    "es": "El seguimiento de pedidos no está disponible. Próxima actualización a las 14:00.",
    "de": "Die Sendungsverfolgung ist gerade gestört! Nächste Information um 14:00.",
    "fr": "Le suivi des commandes est indisponible. Prochaine mise à jour à 14 h.",
    "pt": "O rastreamento de pedidos está indisponível. Próxima atualização às 14:00.",
    "ar": "تتبع الطلبات غير متاح حاليًا. التحديث التالي الساعة 14:00.",
}
UPDATE = {lang: f"[{lang}] The carrier has found the cause." for lang in STATEMENT}
FOLLOW_UP = {
    lang: f"[{lang}] Tracking works again. Thank you for your patience." for lang in STATEMENT
}
CACHE_S = 6  # the action server reads the live incidents at most every 5 s
EMOJI = re.compile("[\U0001f300-\U0001faff]")


@pytest.fixture
def incidents(bot: BotServers) -> Iterator[Incidents]:
    var_dir = Path(bot.env["FRONTLINE_VAR_DIR"])
    settings = Settings()
    store = Incidents(
        sessions=session_factory(create_database(f"sqlite:///{var_dir / 'frontline.db'}")),
        languages=settings.languages,
        default_language=settings.default_language,
    )
    yield store
    for incident in store.live():  # other tests must not meet this incident
        store.resolve(incident.id, FOLLOW_UP, by="test")
    time.sleep(CACHE_S)


@pytest.fixture
def incident(incidents: Incidents) -> Incident:
    draft = incidents.open(
        title="Tracking down", topic="faq:track-order", statement=STATEMENT, by="Ana M"
    )
    live = incidents.approve(draft.id, by="Ben K")
    time.sleep(CACHE_S)
    return live


def test_every_channel_gets_the_statement_once_and_the_notified_customer_every_update(
    bot: BotServers,
    telegram_api: FakeTelegram,
    slack_api: FakeSlack,
    incidents: Incidents,
    incident: Incident,
    browser: Browser,  # noqa: F811 - the fixture
) -> None:
    # Telegram, in German: the statement first, formal, no "!" and no emoji; the offer;
    # then the answer to the question.
    chat = new_chat()
    say(bot, chat, "Wo ist meine Bestellung?", user=customer(chat, "de"))
    statement, offer, *answer = telegram_api.wait_for("sendMessage", 3, chat_id=chat)
    assert statement.params["text"].startswith("Die Sendungsverfolgung ist gerade gestört.")
    assert "!" not in statement.params["text"] and not EMOJI.search(statement.params["text"])
    assert "Möchten Sie" in offer.params["text"]
    [[notify]] = offer.params["reply_markup"]["inline_keyboard"]
    assert answer  # the usual answer follows

    say(bot, chat, "Und wo ist meine Bestellung jetzt?", user=customer(chat, "de"))
    time.sleep(3)
    texts = telegram_api.sent_texts(chat)
    assert sum(t.startswith("Die Sendungsverfolgung") for t in texts) == 1  # once

    # Someone asking something else gets the usual answer, no statement.
    other = new_chat()
    say(bot, other, "how do I reset my password?", user=customer(other))
    [reply] = telegram_api.wait_for("sendMessage", chat_id=other)
    assert "Forgot password" in reply.params["text"]

    # Slack, in English.
    user, channel = new_customer(slack_api), unique("D")
    send(bot, event(user=user, channel=channel, text="where is my order?"))
    first = slack_api.wait_for("chat.postMessage", 2, channel=channel)[0]
    assert first.params["text"].startswith("Order tracking is unavailable right now.")

    # The widget: the banner, and the statement in the conversation.
    with open_context(browser, viewport={"width": 400, "height": 860}) as context:
        page = context.new_page()
        page.goto(f"{bot.url}/chat")
        expect(page.locator("#chat-banner")).to_contain_text("Order tracking is unavailable")
        ask(page, "where is my order?")
        bot_says(page, "Order tracking is unavailable right now.")

    # The German customer asks to be told; the agents' update and the follow-up reach
    # them on Telegram, in German, once each.
    shown = Message(4243, datetime.now(timezone.utc), Chat(chat, "private"), from_user=BOT)
    query = CallbackQuery(
        "query-crisis", customer(chat, "de"), "chat", message=shown, data=notify["callback_data"]
    )
    post(bot, Update(next(_update_ids), callback_query=query))
    thanks = telegram_api.wait_for("sendMessage", len(texts) + 1, chat_id=chat)[-1]
    assert "Ihnen" in thanks.params["text"]

    incidents.post_update(incident.id, UPDATE, by="Ana M")
    update = telegram_api.wait_for("sendMessage", len(texts) + 2, chat_id=chat, timeout=30)[-1]
    assert update.params["text"] == UPDATE["de"]
    incidents.resolve(incident.id, FOLLOW_UP, by="Ana M")
    done = telegram_api.wait_for("sendMessage", len(texts) + 3, chat_id=chat, timeout=30)[-1]
    assert done.params["text"] == FOLLOW_UP["de"]
    time.sleep(3)
    assert telegram_api.sent_texts(chat).count(UPDATE["de"]) == 1

    whats = [entry.what for entry in incidents.audit(incident.id)]
    assert whats.count("statement_sent") == 3  # Telegram, Slack, the widget
    assert {"approved", "subscribed", "update_sent", "follow_up_sent"} <= set(whats)
