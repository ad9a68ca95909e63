"""The Slack channel end to end: signed requests to the running Rasa server, replies to the fake.

Every request is signed with Slack's real algorithm; the bot's Web API calls go to
the recording fake (``slack_api``). Each test uses its own users and channels, so
no test sees another's messages.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from slack_sdk.signature import SignatureVerifier

from tests.auxil.fake_api import Call
from tests.auxil.fake_slack import BOT_ID, BOT_USER_ID, SIGNING_SECRET, TEAM_ID, FakeSlack
from tests.auxil.servers import BotServers

pytestmark = [pytest.mark.slow, pytest.mark.integration]

QUIET = 1.5  # seconds to wait before concluding that no (further) answer is coming


def unique(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def new_customer(slack_api: FakeSlack, **profile: Any) -> str:
    user = unique("U")
    slack_api.add_user(user, display_name=profile.pop("display_name", "Customer"), **profile)
    return user


def new_ts() -> str:
    return f"{time.time():.6f}"


def send(
    bot: BotServers,
    body: dict[str, Any],
    *,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """POST ``body`` to the Slack webhook as Slack does: JSON for events, a form for clicks."""
    if body.get("type") == "block_actions":
        raw, content_type = (
            urlencode({"payload": json.dumps(body)}),
            "application/x-www-form-urlencoded",
        )
    else:
        raw, content_type = json.dumps(body), "application/json"
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=raw)
    return requests.post(
        f"{bot.url}/webhooks/slack/events",
        data=raw.encode(),
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": str(signature),
            **(headers or {}),
        },
        timeout=30,
    )


def event(kind: str = "message", **fields: Any) -> dict[str, Any]:
    """An ``event_callback`` body; a DM message unless ``kind`` or ``fields`` say otherwise."""
    payload: dict[str, Any] = {"type": kind, "ts": new_ts(), "event_ts": new_ts()}
    if kind == "message":
        payload["channel_type"] = "im"
    payload.update(fields)
    return {
        "token": "unused",
        "team_id": TEAM_ID,
        "api_app_id": "A0FRONTLINE",
        "type": "event_callback",
        "event_id": unique("Ev"),
        "event_time": int(time.time()),
        "event": payload,
    }


def click(*, user: str, channel: str, message: Call, ts: str, button: dict[str, Any]) -> dict:
    """A ``block_actions`` payload for a click on ``button`` of the posted ``message``."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "customer", "team_id": TEAM_ID},
        "api_app_id": "A0FRONTLINE",
        "team": {"id": TEAM_ID, "domain": "frontline-test"},
        "container": {"type": "message", "message_ts": ts, "channel_id": channel},
        "channel": {"id": channel, "name": "directmessage"},
        "trigger_id": unique("trigger."),
        "message": {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "text": message.params["text"],
            "blocks": message.params["blocks"],
        },
        "response_url": "https://hooks.slack.com/actions/unused",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b1",
                "text": button["text"],
                "value": button["value"],
                "action_ts": new_ts(),
            }
        ],
    }


def buttons_of(call: Call) -> list[dict[str, Any]]:
    return [
        element
        for block in call.params.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def user_events(bot: BotServers, sender: str, count: int = 1) -> list[dict[str, Any]]:
    """The conversation's user events, once at least ``count`` are stored.

    Rasa stores the tracker after the turn, so it may lag the answer a little.
    """
    deadline = time.monotonic() + 20
    while True:
        events = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.1)


def test_a_direct_message_is_answered_from_the_faq_in_mrkdwn(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api), unique("D")
    reply = send(bot, event(user=user, channel=channel, text="how do I reset my password?"))
    assert reply.status_code == 200

    [answer] = slack_api.wait_for("chat.postMessage", channel=channel)
    assert "*Forgot password?*" in answer.params["text"]
    assert "**" not in answer.params["text"]
    assert "thread_ts" not in answer.params  # the customer did not write in a thread
    assert [e["text"] for e in user_events(bot, f"slack-{TEAM_ID}-{user}")] == [
        "how do I reset my password?"
    ]


def test_the_request_is_acknowledged_before_the_bot_turn_runs(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    # Looking the customer up takes 4 s here: longer than Slack waits for an answer.
    user, channel = new_customer(slack_api, lookup_delay=4.0), unique("D")
    started = time.monotonic()
    reply = send(bot, event(user=user, channel=channel, text="are you a bot?"))
    acknowledged = time.monotonic()
    assert reply.status_code == 200
    assert acknowledged - started < 1.5

    [answer] = slack_api.wait_for("chat.postMessage", channel=channel)
    assert answer.at - acknowledged > 3.0
    assert "virtual assistant" in answer.params["text"]


def test_a_bad_signature_is_rejected_with_401_and_not_answered(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api), unique("D")
    text = "I am ana.private@example.com, how do I reset my password?"
    body = event(user=user, channel=channel, text=text)
    # Letters only: the log's redaction masks long digit runs, as in phone numbers.
    body["event_id"] = "Ev" + uuid.uuid4().hex[:10].translate(
        str.maketrans("0123456789", "GHIJKLMNOP")
    )
    reply = send(bot, body, secret="not-the-signing-secret")
    assert reply.status_code == 401

    time.sleep(QUIET)
    assert slack_api.calls_to("chat.postMessage", channel=channel) == []
    # Bolt logs the rejected request; the customer's words are masked in it.
    rasa_log = bot.log("rasa").read_text()
    assert body["event_id"] in rasa_log
    assert "ana.private" not in rasa_log and "reset my password" not in rasa_log
    # The same event, correctly signed, is still answered: the forgery claimed nothing.
    assert send(bot, body).status_code == 200
    slack_api.wait_for("chat.postMessage", channel=channel)


def test_a_stale_timestamp_is_rejected_with_401(bot: BotServers, slack_api: FakeSlack) -> None:
    user, channel = new_customer(slack_api), unique("D")
    body = event(user=user, channel=channel, text="how do I reset my password?")
    reply = send(bot, body, timestamp=int(time.time()) - 6 * 60)  # validly signed, but replayed
    assert reply.status_code == 401

    time.sleep(QUIET)
    assert slack_api.calls_to("chat.postMessage", channel=channel) == []


def test_a_retried_event_is_answered_once(bot: BotServers, slack_api: FakeSlack) -> None:
    user, channel = new_customer(slack_api), unique("D")
    body = event(user=user, channel=channel, text="how do I reset my password?")
    assert send(bot, body).status_code == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert send(bot, body, headers=retry).status_code == 200

    slack_api.wait_for("chat.postMessage", channel=channel)
    retry = {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
    assert send(bot, body, headers=retry).status_code == 200
    time.sleep(QUIET)
    assert len(slack_api.calls_to("chat.postMessage", channel=channel)) == 1
    assert len(user_events(bot, f"slack-{TEAM_ID}-{user}")) == 1


def test_a_message_in_a_thread_is_answered_in_that_thread(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel, thread = new_customer(slack_api), unique("D"), new_ts()
    send(bot, event(user=user, channel=channel, text="are you a bot?", thread_ts=thread))

    [answer] = slack_api.wait_for("chat.postMessage", channel=channel)
    assert answer.params["thread_ts"] == thread


def test_a_mention_in_a_channel_is_answered_in_its_thread(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel, ts = new_customer(slack_api), unique("C"), new_ts()
    text = f"<@{BOT_USER_ID}> how do I reset my password?"
    mention = event("app_mention", user=user, channel=channel, text=text, ts=ts)
    # The same message as a plain channel message (message.channels) must not be answered too.
    also = event(user=user, channel=channel, text=text, ts=ts, channel_type="channel")
    assert send(bot, mention).status_code == 200
    assert send(bot, also).status_code == 200

    [answer] = slack_api.wait_for("chat.postMessage", channel=channel)
    assert answer.params["thread_ts"] == ts
    assert "*Forgot password?*" in answer.params["text"]
    sender = f"slack-{TEAM_ID}-{channel}-{user}"
    assert [e["text"] for e in user_events(bot, sender)] == ["how do I reset my password?"]
    time.sleep(QUIET)
    assert len(slack_api.calls_to("chat.postMessage", channel=channel)) == 1


def test_a_clarification_offers_buttons_and_a_click_answers_once(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api), unique("D")
    send(bot, event(user=user, channel=channel, text="I need to correct the address"))
    [question] = slack_api.wait_for("chat.postMessage", channel=channel)
    offered = buttons_of(question)
    assert question.params["text"]  # the fallback for notifications
    assert any('"change-order-address"' in button["value"] for button in offered)
    assert offered[-1]["value"] == "/faq_none"  # "None of these"
    assert all(len(button["text"]["text"]) <= 75 for button in offered)

    choice = next(button for button in offered if '"change-order-address"' in button["value"])
    ts = slack_api.ts_of(question)
    body = click(user=user, channel=channel, message=question, ts=ts, button=choice)
    reply = send(bot, body)
    assert reply.status_code == 200

    [update] = slack_api.wait_for("chat.update", channel=channel, ts=ts)
    blocks = update.params["blocks"]
    assert all(block["type"] != "actions" for block in blocks)
    assert choice["text"]["text"] in json.dumps(blocks[-1], ensure_ascii=False)
    answers = slack_api.wait_for("chat.postMessage", count=2, channel=channel)
    assert "ship" in answers[1].params["text"].lower()

    # A second click on the same message (before the buttons went away) is not answered.
    again = click(user=user, channel=channel, message=question, ts=ts, button=offered[0])
    assert send(bot, again).status_code == 200
    time.sleep(QUIET)
    assert len(slack_api.calls_to("chat.postMessage", channel=channel)) == 2
    clicked = user_events(bot, f"slack-{TEAM_ID}-{user}", count=2)[-1]
    assert clicked["text"] == choice["value"]
    assert clicked["metadata"]["button_title"] == choice["text"]["text"]


def test_a_handoff_closes_the_buttons_shown_before_it(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api), unique("D")
    send(bot, event(user=user, channel=channel, text="I need to correct the address"))
    [question] = slack_api.wait_for("chat.postMessage", channel=channel)
    assert buttons_of(question)
    send(bot, event(user=user, channel=channel, text="I want to talk to a person"))
    [update] = slack_api.wait_for("chat.update", channel=channel, ts=slack_api.ts_of(question))
    assert all(block["type"] != "actions" for block in update.params["blocks"])
    notice = slack_api.wait_for("chat.postMessage", count=2, channel=channel)[1]
    assert "someone from our team" in notice.params["text"]


def test_own_messages_edits_and_channel_chatter_are_ignored(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel = new_customer(slack_api), unique("D")
    ignored = [
        event(user=BOT_USER_ID, bot_id=BOT_ID, channel=channel, text="I am the bot"),
        event(subtype="bot_message", bot_id="BOTHER", channel=channel, text="another bot"),
        event(
            subtype="message_changed",
            channel=channel,
            message={"user": user, "text": "how do I reset my password?", "ts": new_ts()},
        ),
        event(subtype="message_deleted", channel=channel, deleted_ts=new_ts()),
        event(subtype="channel_join", user=user, channel=channel, text="joined"),
        event(user=user, channel=unique("C"), channel_type="channel", text="how do I pay?"),
    ]
    for body in ignored:
        assert send(bot, body).status_code == 200

    # The channel is still listening: a real message afterwards gets exactly one answer.
    send(bot, event(user=user, channel=channel, text="are you a bot?"))
    slack_api.wait_for("chat.postMessage", channel=channel)
    time.sleep(QUIET)
    [answer] = slack_api.calls_to("chat.postMessage", channel=channel)
    assert "virtual assistant" in answer.params["text"]
    assert [e["text"] for e in user_events(bot, f"slack-{TEAM_ID}-{user}")] == ["are you a bot?"]


def test_the_profile_reaches_rasa_as_message_metadata(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user = new_customer(slack_api, display_name="Jonas", tz="Europe/Berlin", locale="de-DE")
    channel = unique("D")
    send(bot, event(user=user, channel=channel, text="hallo"))
    slack_api.wait_for("chat.postMessage", channel=channel)

    [message] = user_events(bot, f"slack-{TEAM_ID}-{user}")
    assert message["input_channel"] == "slack"
    metadata = message["metadata"]
    assert metadata["platform"] == "slack"
    assert metadata["user_id"] == user
    assert metadata["display_name"] == "Jonas"
    assert metadata["timezone"] == "Europe/Berlin"
    assert metadata["locale_hint"] == "de-DE"
    assert metadata["address"] == {"team_id": TEAM_ID, "channel_id": channel, "thread_ts": None}


def test_a_failed_turn_is_apologised_for_and_the_channel_keeps_working(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user = new_customer(slack_api, display_name="Ana", locale="es-ES")
    channel = unique("D")
    slack_api.fail_posts_to(channel)  # the bot's answer fails; the channel must cope
    send(bot, event(user=user, channel=channel, text="are you a bot?"))

    apologies = slack_api.wait_for("chat.postMessage", count=2, channel=channel)
    assert "Algo ha fallado" in apologies[-1].params["text"]  # in the customer's language
    rasa_log = bot.log("rasa").read_text()
    assert "slack: failed to handle event" in rasa_log

    send(bot, event(user=user, channel=channel, text="how do I reset my password?"))
    answers = slack_api.wait_for("chat.postMessage", count=3, channel=channel)
    assert "*" in answers[-1].params["text"]


def test_url_verification_echoes_the_challenge(bot: BotServers) -> None:
    reply = send(bot, {"type": "url_verification", "token": "unused", "challenge": "abc123"})
    assert reply.status_code == 200
    assert reply.json() == {"challenge": "abc123"}


def test_the_health_check_reports_the_mode(bot: BotServers) -> None:
    reply = requests.get(f"{bot.url}/webhooks/slack/", timeout=10)
    assert reply.json() == {"status": "ok", "mode": "events"}


def test_a_reply_that_answers_no_message_reaches_the_stored_address(
    bot: BotServers, slack_api: FakeSlack
) -> None:
    user, channel, thread = new_customer(slack_api), unique("D"), new_ts()
    send(bot, event(user=user, channel=channel, text="are you a bot?", thread_ts=thread))
    slack_api.wait_for("chat.postMessage", channel=channel)

    # As an agent's message or a notice would: Rasa asks the channel for an output channel.
    sender = f"slack-{TEAM_ID}-{user}"
    reply = requests.post(
        f"{bot.url}/conversations/{sender}/trigger_intent",
        params={"output_channel": "latest", "token": bot.api_token},
        json={"name": "greet"},
        timeout=60,
    )
    assert reply.status_code == 200
    later = slack_api.wait_for("chat.postMessage", count=2, channel=channel)[1]
    assert "Northwind Goods assistant" in later.params["text"]
    assert later.params["thread_ts"] == thread
