"""The dialogue rules of issue 11, reproduced end to end through the REST channel: the
real Rasa server and action server, the real models, the team in (Monday morning)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

import pytest

from tests.auxil.servers import BotServers

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def new_sender() -> str:
    return f"rules-{uuid.uuid4().hex[:8]}"


def kinds(replies: list[dict[str, Any]], bot: BotServers, sender: str) -> list[str]:
    """The kinds of the bot's last turn, as recorded on its events."""
    events = bot.tracker(sender)["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    said = [e for e in events[last_user:] if e["event"] == "bot" and e.get("text")]
    return [str((e.get("metadata") or {}).get("kind")) for e in said]


def buttons(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for reply in replies for b in reply.get("buttons") or []]


def test_a_clarification_after_a_miss_neither_hands_off_nor_leaves_a_dead_click(
    bot: BotServers,
) -> None:
    sender = new_sender()
    bot.say(sender, "what's the weather in Paris tomorrow?")
    replies = bot.say(sender, "I need to correct the address")
    assert kinds(replies, bot, sender) == ["clarify"]
    choice = next(b for b in buttons(replies) if "change-order-address" in b["payload"])
    answer = bot.say(sender, choice["payload"], title=choice["title"])
    assert "ship" in " ".join(r.get("text", "") for r in answer).lower()
    events = bot.tracker(sender)["events"]
    assert not any(e["event"] == "pause" for e in events)


def test_shouting_with_a_question_gets_help_and_an_apology_not_a_shrug(bot: BotServers) -> None:
    sender = new_sender()
    replies = bot.say(sender, "THIS IS THE THIRD TIME I ASK, WHERE IS MY REFUND??")
    said = kinds(replies, bot, sender)
    assert said[0] in ("answer", "clarify") and said[-1] == "offer"
    assert "refund" in json.dumps(replies).lower()


def test_a_calm_cancellation_is_not_anger(bot: BotServers) -> None:
    sender = new_sender()
    replies = bot.say(sender, "Ich möchte meine Bestellung stornieren")
    assert kinds(replies, bot, sender) == ["answer"]
    assert not any(b["payload"] == "/request_human" for b in buttons(replies))


def test_the_ticket_lists_every_reason_anger_included(bot: BotServers) -> None:
    sender = new_sender()
    # The answer, and a person offered for the anger; the customer takes the offer.
    offered = bot.say(sender, "THIS IS THE THIRD TIME I ASK, WHERE IS MY REFUND??")
    assert kinds(offered, bot, sender) == ["answer", "offer"]
    handoff = bot.say(sender, "yes please")
    assert kinds(handoff, bot, sender)[-1] == "handoff"
    with sqlite3.connect(bot.workdir / "var" / "frontline.db") as db:
        [(reasons,)] = db.execute(
            "SELECT reasons FROM tickets WHERE sender_id = ?", (sender,)
        ).fetchall()
    signals = [r["signal"] for r in json.loads(reasons)]
    assert signals[0] == "request" and "anger" in signals


def test_one_customer_message_makes_one_call_to_the_action_server(bot: BotServers) -> None:
    sender = new_sender()
    bot.say(sender, "hello")
    bot.say(sender, "how do I reset my password?")
    events = bot.tracker(sender)["events"]
    actions = [e["name"] for e in events if e["event"] == "action"]
    # Rasa's own session start and listening run in the Rasa server; action_turn once each.
    assert [a for a in actions if a not in ("action_listen", "action_session_start")] == [
        "action_turn",
        "action_turn",
    ]
