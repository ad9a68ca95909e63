"""Ticket cards, transcripts and notes for the agents' channel: pure Block Kit."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.channels.slack.agent_cards import (
    event_note,
    message_line,
    reminder_text,
    ticket_card,
    transcript_messages,
)
from bot.store.tickets import Ticket, TicketMessage
from tests.auxil.tickets import make_ticket

T0 = datetime(2026, 11, 23, 9, 5, tzinfo=timezone.utc)


def ticket(**changes: Any) -> Ticket:
    fields: dict[str, Any] = {
        "created_at": T0,
        "reasons": [
            {"signal": "anger", "message": 2, "evidence": "DAS IST LÄCHERLICH", "score": 0.934},
            {"signal": "request", "message": 3, "evidence": "<!channel> human!", "score": None},
        ],
        "sentiment": [{"message": 2, "at": T0.isoformat(), "anger": 0.93}],
        "profile": {
            "platform": "telegram",
            "user_id": "42",
            "display_name": "Ana",
            "locale_hint": "de-DE",
            "timezone": "Europe/Berlin",
        },
        "faq_tried": [{"id": "track-order", "question": "Where is my parcel?", "score": 0.71}],
        "summary": "Parcel late & customer angry",
        "transcript": [
            TicketMessage(T0, "customer", "Wo ist mein Paket?"),
            TicketMessage(T0 + timedelta(minutes=1), "bot", "Sobald Ihre Bestellung ..."),
            TicketMessage(T0 + timedelta(minutes=2), "agent", "Ich schaue nach", name="Alice"),
        ],
    }
    fields.update(changes)
    return make_ticket(**fields)


def block(blocks: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(b for b in blocks if b["type"] == kind)


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    actions = [b for b in blocks if b["type"] == "actions"]
    return [(e["action_id"], e["value"]) for a in actions for e in a["elements"]]


def test_the_card_shows_customer_summary_fields_reasons_faq_and_buttons() -> None:
    text, blocks = ticket_card(ticket())
    assert "Ana" in text and "Telegram" in text
    assert block(blocks, "header")["text"]["text"] == "Ana · Telegram"
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "Parcel late &amp; customer angry" in shown
    fields = [f["text"] for b in blocks if "fields" in b for f in b["fields"]]
    assert fields == [
        "*Language*\nde",
        "*Channel*\nTelegram",
        "*Status*\nOpen, waiting for an agent",
        "*Customer*\ntelegram 42 · de-DE · Europe/Berlin",
    ]
    assert "score 0.93" in shown and "“DAS IST LÄCHERLICH”" in shown and "message 2" in shown
    assert "FAQ tried: Where is my parcel? (0.71)" in shown
    assert buttons(blocks) == [
        ("ticket_claim", "t-1"),
        ("ticket_resolve", "t-1"),
        ("ticket_return", "t-1"),
    ]


def test_customer_text_on_the_card_cannot_ping_or_link() -> None:
    nasty = "<!channel> <https://evil.example|click> & co"
    _, blocks = ticket_card(
        ticket(summary=nasty, profile={"display_name": "<!here>", "user_id": "<@U1>"})
    )
    shown = json.dumps(blocks)
    assert "<!channel>" not in shown and "<https://" not in shown and "<@U1>" not in shown
    assert "&lt;!channel&gt;" in shown


@pytest.mark.parametrize(
    ("changes", "status", "actions"),
    [
        (
            {"status": "queued", "due_at": T0 + timedelta(hours=23)},
            "Queued until 2026-11-24 08:05 UTC",
            ["ticket_claim", "ticket_resolve", "ticket_return"],
        ),
        (
            {"status": "claimed", "claimed_by": "Alice"},
            "Claimed by Alice",
            ["ticket_resolve", "ticket_return"],
        ),
        (
            {"status": "resolved", "closed_at": T0, "csat": 4},
            "Resolved at 2026-11-23 09:05 UTC · rated 4/5",
            [],
        ),
        (
            {"status": "returned", "closed_at": T0},
            "Returned to the bot at 2026-11-23 09:05 UTC",
            [],
        ),
    ],
)
def test_the_status_and_the_buttons_follow_the_ticket(
    changes: dict[str, Any], status: str, actions: list[str]
) -> None:
    _, blocks = ticket_card(ticket(**changes))
    fields = [f["text"] for b in blocks if "fields" in b for f in b["fields"]]
    assert f"*Status*\n{status}" in fields
    assert [action for action, _ in buttons(blocks)] == actions


def test_huge_contexts_stay_within_block_kit_limits() -> None:
    reasons = [
        {"signal": "failure", "message": i, "evidence": "& <" * 400, "score": 0.5}
        for i in range(60)
    ]
    big = ticket(
        summary="<" * 5000,
        reasons=reasons,
        faq_tried=[{"id": f"e{i}", "question": "&" * 300, "score": 0.1} for i in range(40)],
        profile={"display_name": "N" * 400, "user_id": "1"},
    )
    text, blocks = ticket_card(big)
    assert len(blocks) <= 50 and len(text) <= 3000
    assert len(block(blocks, "header")["text"]["text"]) <= 150
    for b in blocks:
        if b["type"] == "section" and "text" in b:
            assert len(b["text"]["text"]) <= 3000
            assert not b["text"]["text"].endswith("&am")
        for field in b.get("fields", []):
            assert len(field["text"]) <= 2000
        for element in b.get("elements", []):
            if element.get("type") == "mrkdwn":
                assert len(element["text"]) <= 2000
    why = next(b for b in blocks if b.get("text", {}).get("text", "").startswith("*Why*"))
    assert "more" in why["text"]["text"].splitlines()[-1]


def test_the_transcript_is_one_escaped_line_per_turn_with_time_and_author() -> None:
    [message] = transcript_messages(ticket())
    assert message.splitlines()[1:] == [
        "`09:05` *Ana*: Wo ist mein Paket?",
        "`09:06` *Bot*: Sobald Ihre Bestellung ...",
        "`09:07` *Alice (agent)*: Ich schaue nach",
    ]
    line = message_line(TicketMessage(T0, "customer", "<!channel> see <http://x|y> & more"), "Bo")
    assert line == "`09:05` *Bo*: &lt;!channel&gt; see &lt;http://x|y&gt; &amp; more"


def test_a_naive_time_is_utc_and_a_new_day_is_marked() -> None:
    naive = TicketMessage(datetime(2026, 11, 23, 23, 59), "customer", "late")
    next_day = TicketMessage(datetime(2026, 11, 24, 0, 1, tzinfo=timezone.utc), "bot", "early")
    [message] = transcript_messages(ticket(transcript=[naive, next_day]))
    assert message.splitlines()[1:] == [
        "`23:59` *Ana*: late",
        "_2026-11-24_",
        "`00:01` *Bot*: early",
    ]


def test_a_long_transcript_is_cut_into_chunks_without_breaking_entities() -> None:
    turns = [TicketMessage(T0, "customer", "&" * 2000) for _ in range(5)]
    parts = transcript_messages(ticket(transcript=turns))
    assert len(parts) > 1 and all(len(part) <= 3500 for part in parts)
    joined = "".join(parts).replace("\n", "")
    assert joined.count("&amp;") == 10_000
    for part in parts:
        assert part.replace("&amp;", "").count("&") == 0  # no entity cut in two


def test_an_empty_transcript_posts_nothing() -> None:
    assert transcript_messages(ticket(transcript=[])) == []


def test_reminder_and_event_notes() -> None:
    reminder = reminder_text(ticket(profile={"display_name": "<!channel>"}), 75)
    assert "1 h 15 min" in reminder and "<!channel>" not in reminder
    assert "12 min" in reminder_text(ticket(), 12)
    assert event_note(ticket(), "claimed", "Alice") == "Claimed by Alice"
    assert event_note(ticket(), "resolved", "Alice") == "Resolved by Alice — the bot is back"
    assert event_note(ticket(), "returned", None) == "Returned to the bot"
    rated = dataclasses.replace(ticket(), status="resolved", csat=4)
    assert event_note(rated, "rated", None).endswith("Rated 4/5")
