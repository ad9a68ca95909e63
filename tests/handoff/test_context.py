"""The context package's pieces (bot/handoff/context.py, bot/handoff/wire.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.handoff.context import (
    TurnRecord,
    customer_profile,
    faq_tried,
    reason_dicts,
    records,
    slot_value,
    transcript,
)
from bot.handoff.policy import Reason
from bot.handoff.wire import public_conversation

SESSION = "tLRxyPZ8LYv7cseBblUtBdD33PmZZFmp"


def test_a_widget_session_id_never_reaches_a_ticket() -> None:
    profile = customer_profile({"platform": "web", "user_id": SESSION, "locale_hint": "en-US"})
    assert SESSION not in str(profile)
    assert profile["user_id"].startswith("visitor-") and profile["locale_hint"] == "en-US"
    assert profile["display_name"] == f"Web visitor {profile['user_id'][-6:]}"
    again = customer_profile({"platform": "web", "user_id": SESSION})
    assert again["user_id"] == profile["user_id"]  # stable
    assert public_conversation(f"web-{SESSION}") == profile["user_id"]
    telegram = {"platform": "telegram", "user_id": "42", "display_name": "Ana"}
    assert customer_profile(telegram) == {**telegram, "locale_hint": None, "timezone": None}
    assert public_conversation("telegram-42") == "telegram-42"


def test_the_transcript_keeps_who_said_what_and_when_and_drops_triggers() -> None:
    events = [
        {"event": "user", "text": "hi", "timestamp": 10.0, "metadata": {"display_name": "Ana"}},
        {"event": "action", "name": "action_triage", "timestamp": 10.1},
        {"event": "bot", "text": "Hello", "timestamp": 11.0},
        {"event": "bot", "text": "On it", "timestamp": 12.0,
         "metadata": {"author": "agent", "agent": "Alice"}},
        {"event": "user", "text": "EXTERNAL: handoff_ended", "timestamp": 13.0},
        {"event": "bot", "text": None, "timestamp": 14.0},
    ]  # fmt: skip
    got = [(m.author, m.name, m.text, m.at.timestamp()) for m in transcript(events)]
    assert got == [
        ("customer", "Ana", "hi", 10.0),
        ("bot", None, "Hello", 11.0),
        ("agent", "Alice", "On it", 12.0),
    ]
    assert transcript(events)[0].at.tzinfo == timezone.utc


def test_faq_entries_tried_keep_their_best_score_best_first() -> None:
    history = [
        TurnRecord("a", "en", 1.0, faq=({"id": "x", "score": 0.4}, {"id": "y", "score": 0.6})),
        TurnRecord("b", "en", 2.0, faq=({"id": "x", "score": 0.7},)),
    ]
    assert faq_tried(history) == [{"id": "x", "score": 0.7}, {"id": "y", "score": 0.6}]


def test_reasons_quote_their_message_and_records_survive_the_slot() -> None:
    history = [TurnRecord("first", "en", 1.0), TurnRecord("second, angrier", "en", 2.0, anger=0.9)]
    [reason] = reason_dicts([Reason("anger", 1, "strong anger", 0.9)], history)
    assert reason == {
        "signal": "anger", "message": 1, "evidence": "strong anger", "score": 0.9,
        "quote": "second, angrier",
    }  # fmt: skip
    assert records(slot_value(history)) == history
    assert records("not a list") == [] and records([{"text": "x"}, 3])[0].text == "x"
    assert datetime.fromtimestamp(history[0].at, tz=timezone.utc).year == 1970
