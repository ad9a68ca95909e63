"""Which Slack events become customer messages, and how they are addressed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.base import Profile
from bot.channels.slack.events import BotIdentity, customer_text, read_event

BOT = BotIdentity(user_id="UBOT", bot_id="BBOT")


def body(kind: str = "message", **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": kind, "user": "U1", "channel": "D1", "ts": "100.1"}
    if kind == "message":
        event["channel_type"] = "im"
    event.update(fields)
    return {"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": event}


def test_a_direct_message_is_the_customers_own_conversation() -> None:
    inbound = read_event(body(text="how do I pay?"), bot=BOT)
    assert inbound is not None
    assert inbound.sender_id == "slack-T1-U1"
    assert inbound.text == "how do I pay?"
    assert inbound.address.as_dict() == {"team_id": "T1", "channel_id": "D1", "thread_ts": None}
    assert inbound.delivery_key == "message:D1:100.1"


def test_a_direct_message_in_a_thread_is_answered_in_the_thread() -> None:
    inbound = read_event(body(text="and returns?", thread_ts="99.0"), bot=BOT)
    assert inbound is not None
    assert inbound.address.thread_ts == "99.0"


def test_a_mention_in_a_channel_is_answered_in_its_thread_per_customer_and_channel() -> None:
    inbound = read_event(body("app_mention", channel="C7", text="<@UBOT> how do I pay?"), bot=BOT)
    assert inbound is not None
    assert inbound.sender_id == "slack-T1-C7-U1"
    assert inbound.text == "how do I pay?"
    assert inbound.address.thread_ts == "100.1"
    inside = read_event(
        body("app_mention", channel="C7", text="<@UBOT> hi", thread_ts="90.0"), bot=BOT
    )
    assert inside is not None and inside.address.thread_ts == "90.0"


def test_a_bare_mention_greets() -> None:
    inbound = read_event(body("app_mention", channel="C7", text="<@UBOT>"), bot=BOT)
    assert inbound is not None and inbound.text == "/greet"


def test_a_file_without_text_is_unsupported_content() -> None:
    inbound = read_event(body(subtype="file_share", text="", files=[{"id": "F1"}]), bot=BOT)
    assert inbound is not None and inbound.text == "/unsupported_content"


@pytest.mark.parametrize(
    "event",
    [
        body(text="my own message", user="UBOT"),
        body(text="from a bot", bot_id="BOTHER", subtype="bot_message"),
        body(text="from our bot", bot_id="BBOT"),
        body(subtype="message_changed", message={"text": "edited", "user": "U1"}),
        body(subtype="message_deleted", deleted_ts="100.0"),
        body(subtype="channel_join", text="<@U1> has joined"),
        body(subtype="message_replied", text="x"),
        body(text="in a channel", channel="C7", channel_type="channel"),
        body(text="in a group DM", channel="G7", channel_type="mpim"),
        body("app_mention", text="<@UBOT> in a DM"),  # the DM message itself is answered
        body(text=""),
        body(text="hidden", hidden=True),
        {"type": "url_verification", "challenge": "x"},
        {"type": "event_callback", "event": {"type": "reaction_added", "user": "U1"}},
    ],
)
def test_what_is_not_a_customer_message_is_ignored(event: dict[str, Any]) -> None:
    assert read_event(event, bot=BOT) is None


def test_the_turn_carries_profile_address_and_event_kind() -> None:
    inbound = read_event(body(text="hola"), bot=BOT)
    assert inbound is not None
    profile = Profile("slack", "U1", "Ana", "es-ES", "Europe/Madrid")
    metadata = inbound.turn(profile).metadata()
    assert metadata["locale_hint"] == "es-ES"
    assert metadata["timezone"] == "Europe/Madrid"
    assert metadata["address"]["channel_id"] == "D1"
    assert metadata["slack_event"] == "message"


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@UBOT> hi", "hi"),
        ("ask <@U2|maria> &amp; me", "ask @maria & me"),
        ("ask <@U2> too", "ask @U2 too"),
        ("see <https://shop.example/a?b=1&amp;c=2|this page>", "see this page"),
        ("see <https://shop.example/x>", "see https://shop.example/x"),
        ("mail <mailto:a@b.example|a@b.example>", "mail a@b.example"),
        ("in <#C1|general>", "in #general"),
        ("<!here> 1 &lt; 2 &gt; 0", "@here 1 < 2 > 0"),
    ],
)
def test_slack_markup_becomes_what_the_customer_typed(slack: str, plain: str) -> None:
    assert customer_text(slack, bot_user_id="UBOT") == plain


def test_typed_slash_text_never_poses_as_an_intent() -> None:
    inbound = read_event(body(text='/faq_choose{"faq_id": "x"}'), bot=BOT)
    assert inbound is not None and inbound.text == 'faq_choose{"faq_id": "x"}'
