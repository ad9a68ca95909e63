"""Restoring a widget conversation from Rasa's tracker events (bot/channels/web/history.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.channels.web.history import conversation_history

CLARIFY = [
    {"title": "How do I change my saved address?", "payload": '/faq_choose{"faq_id": "a"}'},
    {"title": "Can I change the delivery address?", "payload": '/faq_choose{"faq_id": "b"}'},
    {"title": "None of these", "payload": "/request_human"},
]


def user(text: str, **metadata: Any) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "data": None,
        "metadata": {"platform": "web", **metadata},
    }


def bot(text: str | None, **data: Any) -> dict[str, Any]:
    empty = dict.fromkeys(["elements", "quick_replies", "buttons", "attachment", "image", "custom"])
    return {"event": "bot", "text": text, "data": {**empty, **data}, "metadata": {}}


def shown(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    return [(item["who"], item["text"]) for item in items]


def test_messages_come_back_in_order_without_the_other_events() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        user("how do I reset my password"),
        {"event": "user_featurization"},
        {"event": "action", "name": "action_answer_faq"},
        bot("Click **Forgot password?**\n\n[Reset](https://shop.example/pw)"),
        {"event": "slot", "name": "language", "value": "en"},
    ]
    assert shown(conversation_history(events)) == [
        ("user", "how do I reset my password"),
        ("bot", "Click **Forgot password?**\n\n[Reset](https://shop.example/pw)"),
    ]


def test_a_clicked_button_shows_its_title_and_its_message_comes_back_answered() -> None:
    events = [
        user("I need to change the address"),
        bot("Is it one of these?", buttons=CLARIFY),
        user('/faq_choose{"faq_id": "b"}'),
        bot("Until it ships, yes."),
    ]
    items = conversation_history(events)
    assert shown(items)[2] == ("user", "Can I change the delivery address?")
    assert items[1]["answered"] is True
    assert [b["title"] for b in items[1]["buttons"]] == [b["title"] for b in CLARIFY]


def test_the_title_the_widget_sent_wins_and_unknown_commands_stay_hidden() -> None:
    events = [
        user("/request_human", button_title="Talk to a person"),
        bot("Someone will reply soon."),
        user("/restart"),
        user('/faq_choose{"faq_id": "gone"}'),
    ]
    assert shown(conversation_history(events)) == [
        ("user", "Talk to a person"),
        ("bot", "Someone will reply soon."),
    ]


def test_buttons_not_clicked_stay_open_and_used_quick_replies_are_gone() -> None:
    events = [
        bot("Pick one", buttons=CLARIFY),
        bot("Was this helpful?", quick_replies=[{"title": "Yes", "payload": "/affirm"}]),
    ]
    open_items = conversation_history(events)
    assert open_items[0]["answered"] is False and open_items[1]["quick_replies"] is True
    assert [b["payload"] for b in open_items[1]["buttons"]] == ["/affirm"]

    settled = conversation_history([*events, user("something else")])
    assert settled[0]["answered"] is False and settled[0]["buttons"]
    assert settled[1]["buttons"] == [] and settled[1]["quick_replies"] is False


def test_images_without_text_are_kept_and_empty_bot_events_are_not() -> None:
    events = [bot(None, image="https://shop.example/map.png"), bot(""), bot(None)]
    assert shown(conversation_history(events)) == [("bot", "https://shop.example/map.png")]


def test_only_the_most_recent_messages_are_restored() -> None:
    events = [user(f"message {n}") for n in range(10)]
    assert shown(conversation_history(events, limit=3)) == [
        ("user", "message 7"),
        ("user", "message 8"),
        ("user", "message 9"),
    ]


def test_a_handoff_shows_the_agents_words_but_not_the_desks_trigger() -> None:
    agent = {
        **bot("Hi, I'm Alice."),
        "metadata": {"author": "agent", "agent": "Alice", "avatar": "https://shop.example/a.png"},
    }
    events = [
        user("I want to talk to a person"),
        bot("I'm bringing in someone from our team."),
        {"event": "pause"},
        agent,
        user("thanks"),
        {"event": "resume"},
        user("EXTERNAL: handoff_ended"),
        bot("You're back with the assistant."),
    ]
    assert shown(conversation_history(events)) == [
        ("user", "I want to talk to a person"),
        ("bot", "I'm bringing in someone from our team."),
        ("agent", "Hi, I'm Alice."),
        ("user", "thanks"),
        ("bot", "You're back with the assistant."),
    ]
    [person] = [item for item in conversation_history(events) if item["who"] == "agent"]
    assert (person["name"], person["avatar"]) == ("Alice", "https://shop.example/a.png")


def test_a_handoff_closes_the_buttons_shown_before_it() -> None:
    offer = [{"title": "Talk to a person", "payload": "/request_human"}]
    events = [
        user("I need to change the address"),
        bot("Is it one of these?", buttons=CLARIFY),
        user("I want a person now"),
        bot(None, custom={"frontline": "disable_buttons"}),
        bot("I'm bringing in someone from our team.", buttons=offer),
    ]
    items = conversation_history(events)
    assert [item["answered"] for item in items if item["buttons"]] == [True, False]
