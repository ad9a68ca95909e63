"""The Slack app manifest asks for exactly what the channel handles and calls."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml
from slack_sdk.web.async_client import AsyncWebClient

import bot.channels.slack as slack_channel
from bot.channels.slack.agent_events import read_agent_reply
from bot.channels.slack.events import SUBSCRIBED_EVENTS, BotIdentity, read_event
from tests.auxil.servers import ROOT

MANIFEST = ROOT / "slack-app-manifest.yml"

# Slack's documented bot scope for each event and Web API method the channel may use.
EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
}
METHOD_SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "users_info": "users:read",
    "auth_test": None,  # no scope; bolt calls it to learn the bot's own ids
}

SAMPLE_EVENTS: dict[str, dict[str, Any]] = {
    "app_mention": {"type": "app_mention", "channel": "C1", "text": "<@UBOT> hi"},
    "message.im": {"type": "message", "channel": "D1", "channel_type": "im", "text": "hi"},
    # An agent's reply in the thread of a ticket card, in a public or a private channel.
    "message.channels": {"type": "message", "channel": "C9", "thread_ts": "0.5", "text": "hi"},
    "message.groups": {"type": "message", "channel": "G9", "thread_ts": "0.5", "text": "hi"},
}


def manifest() -> dict[str, Any]:
    return dict(yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))


def web_api_methods_called() -> set[str]:
    """Every AsyncWebClient method the channel's code calls, found in its source."""
    package = Path(slack_channel.__file__).parent
    called = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and "_" in node.func.attr
                and not node.func.attr.startswith("_")
                and hasattr(AsyncWebClient, node.func.attr)
            ):
                called.add(node.func.attr)
    return called


def test_the_manifest_subscribes_to_exactly_the_handled_events() -> None:
    assert manifest()["settings"]["event_subscriptions"]["bot_events"] == list(SUBSCRIBED_EVENTS)
    for name in SUBSCRIBED_EVENTS:
        event = {"user": "U1", "ts": "1.0", **SAMPLE_EVENTS[name]}
        body = {"type": "event_callback", "team_id": "T1", "event": event}
        bot = BotIdentity(user_id="UBOT")
        agent_reply = read_agent_reply(body, agent_channel=event["channel"], bot=bot)
        assert read_event(body, bot=bot) is not None or agent_reply is not None, name


def test_the_manifest_asks_for_exactly_the_scopes_the_code_needs() -> None:
    called = web_api_methods_called()
    assert {"chat_postMessage", "chat_update", "users_info"} <= called
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add the scope these Web API methods need: {unknown}"
    needed = {EVENT_SCOPES[event] for event in SUBSCRIBED_EVENTS}
    needed |= {scope for method in called if (scope := METHOD_SCOPES[method])}
    assert sorted(manifest()["oauth_config"]["scopes"]["bot"]) == sorted(needed)


def test_the_manifest_points_slack_at_the_channels_routes() -> None:
    settings = manifest()["settings"]
    url = "https://YOUR-HOST/webhooks/slack/events"
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": url}
    assert settings["socket_mode_enabled"] is False
    app_home = manifest()["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False
