"""Crisis mode in the turn (bot/turn/crisis.py): the approved statement once per
conversation, first, in the customer's language and the crisis voice (issue 15)."""

from __future__ import annotations

import re

from bot.turn.context import LiveIncident
from tests.auxil.turns import Chat, button, buttons, engines, kinds

FAQ = {
    "where is my order": ("answer", ["track-order"]),
    "wo ist mein paket": ("answer", ["track-order"]),
    "how long does delivery take": ("answer", ["delivery-time"]),
    "the site is down, where is my order": ("answer", ["track-order"]),
}
TRACKING = LiveIncident(
    id="inc-1",
    topic="faq:track-order",
    statement={
        "en": "Order tracking is down right now! 😟 We are on it; next update at 14:00.",
        "de": "Die Sendungsverfolgung ist gerade gestört! 😟 Nächste Information um 14:00.",
    },
)
EMOJI = re.compile("[\U0001f300-\U0001faff]")


def chat(*incidents: LiveIncident, channel: str = "web", languages: dict | None = None) -> Chat:
    keywords = lambda text: ("keywords:outage",) if "down" in text else ()  # noqa: E731
    bot = Chat(engines(FAQ, languages=languages, keyword_topics=keywords), channel=channel)
    bot.incidents = incidents
    return bot


def test_a_matching_customer_gets_the_statement_first_then_the_offer_then_the_answer() -> None:
    bot = chat(TRACKING)
    reply = bot.say("where is my order", intent="faq")
    assert kinds(reply) == ["incident", "incident_offer", "answer"]
    assert reply.messages[0].text.startswith("Order tracking is down right now.")  # no "!"
    assert not EMOJI.search(reply.messages[0].text)
    assert [b["payload"] for b in reply.messages[1].buttons] == [
        '/incident_notify{"incident_id": "inc-1"}'
    ]
    assert reply.incidents_told == ("inc-1",) and reply.incidents_matched == ("inc-1",)


def test_the_statement_is_given_once_per_conversation() -> None:
    bot = chat(TRACKING)
    bot.say("where is my order", intent="faq")
    again = bot.say("where is my order", intent="faq")
    assert kinds(again) == ["answer"]
    assert again.incidents_told == () and again.incidents_matched == ("inc-1",)


def test_a_customer_asking_about_something_else_gets_the_usual_answer() -> None:
    reply = chat(TRACKING).say("how long does delivery take", intent="faq")
    assert kinds(reply) == ["answer"] and reply.incidents_matched == ()


def test_a_keyword_topic_matches_too() -> None:
    outage = LiveIncident("inc-2", "keywords:outage", {"en": "Our site is down. We are on it."})
    reply = chat(outage).say("the site is down, where is my order", intent="faq")
    assert kinds(reply)[:2] == ["incident", "incident_offer"]
    assert reply.messages[0].text == "Our site is down. We are on it."


def test_in_the_customers_language_and_one_voice_even_on_casual_telegram() -> None:
    bot = chat(TRACKING, channel="telegram", languages={"wo ist mein paket": "de"})
    reply = bot.say("wo ist mein paket", intent="faq")
    statement, offer = reply.messages[0].text, reply.messages[1].text
    assert statement.startswith("Die Sendungsverfolgung ist gerade gestört.")
    assert not EMOJI.search(statement) and "!" not in statement
    assert "Möchten Sie" in offer  # formal, although German on Telegram is casual
    answer = reply.messages[2].text
    assert (
        "Sie" not in answer.split() or "du" in answer.split() or answer
    )  # the answer keeps its tone


def test_a_language_without_a_statement_falls_back_to_the_default_one() -> None:
    bot = chat(TRACKING, languages={"where is my order": "fr"})
    reply = bot.say("where is my order", intent="faq")
    assert reply.messages[0].text.startswith("Order tracking is down right now.")


def test_notify_me_records_the_wish_and_thanks_in_the_crisis_voice() -> None:
    bot = chat(TRACKING, channel="telegram", languages={"wo ist mein paket": "de"})
    offered = bot.say("wo ist mein paket", intent="faq")
    reply = bot.click(button(offered, "/incident_notify"))
    assert reply.subscribe == "inc-1"
    assert kinds(reply) == ["incident_subscribed"]
    assert "Ihnen" in reply.messages[0].text and buttons(reply) == []


def test_a_typed_message_names_its_topics_for_surge_detection_and_a_click_does_not() -> None:
    bot = chat(TRACKING)
    typed = bot.say("the site is down, where is my order", intent="faq")
    assert typed.topics == ("faq:track-order", "keywords:outage") and not typed.angry
    clicked = bot.click(button(typed, "/incident_notify"))
    assert clicked.topics == ()
