"""A surge alert in the Slack agents' channel: posted by the real relay to the recording fake
Web API, with its evidence, and customers' words escaped."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.agent_relay import SlackAgentRelay
from bot.channels.slack.alert_cards import alert_card
from bot.crisis.alerts import AlertPayload
from bot.store.db import create_database, session_factory
from bot.store.tickets import Tickets
from tests.auxil.fake_slack import BOT_TOKEN, FakeSlack

AGENTS = "CAGENTS"


def outage_alert(**changes: object) -> AlertPayload:
    alert = AlertPayload(
        topic="keywords:outage",
        reasons=["volume", "anger"],
        at="2026-12-07T09:06:00+00:00",
        window_start="2026-12-07T09:00:00+00:00",
        count=42,
        baseline_median=2.0,
        baseline_mad=1.0,
        baseline_samples=[2] * 16,
        z=19.6,
        angry=9,
        anger_share=0.214,
        usual_anger_share=0.05,
        anger_z=6.1,
        recent_counts=[2, 3, 2, 5],
        examples=["the app is <name> down <!channel> & <https://evil.example|click>"],
        channels={"telegram": 30, "web": 12},
        languages={"de": 25, "en": 17},
    )
    alert.update(changes)  # type: ignore[typeddict-item]
    return alert


def test_the_card_shows_counts_baseline_z_channels_and_escaped_examples() -> None:
    text, blocks = alert_card(outage_alert())

    assert (
        text
        == "Possible incident on keywords:outage: 42 messages in this window, usually 2 (z 19.6)"
    )
    shown = json.dumps(blocks, ensure_ascii=False)
    for part in (
        "*Messages*\\n42 since 09:00 UTC",
        "*Usual*\\n2 (MAD 1), z 19.6",
        "*Angry*\\n9 (21%, usually 5%)",
        "*Channels*\\nTelegram 30, Web chat 12",
        "*Languages*\\nde 25, en 17",
        "*Earlier windows*\\n2, 3, 2, 5",
        "Many more messages than usual and more angry messages than usual",
        "/agent/incidents",
    ):
        assert part in shown
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in shown
    assert "<!channel>" not in shown and "<https://" not in shown


def test_the_relay_posts_the_alert_to_the_agents_channel(tmp_path: Path) -> None:
    api = FakeSlack().start()
    tickets = Tickets(sessions=session_factory(create_database(f"sqlite:///{tmp_path / 'f.db'}")))
    relay = SlackAgentRelay(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=api.base_url),
        channel_id=AGENTS,
        tickets=tickets,
    )
    try:
        asyncio.run(relay.incident_suspected(outage_alert()))
        (posted,) = api.calls_to("chat.postMessage")
    finally:
        api.stop()

    assert posted.params["channel"] == AGENTS
    assert posted.params["text"].startswith("Possible incident on keywords:outage")
    blocks = posted.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert blocks[0]["text"]["text"] == "Possible incident: keywords:outage"
