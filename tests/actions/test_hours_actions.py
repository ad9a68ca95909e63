"""The after-hours notice (actions/hours.py), with a fixed clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.hours import ActionHoursNotice
from actions.services import Services
from bot.hours.config import parse_hours
from bot.settings import Settings
from bot.store.db import create_database, session_factory
from bot.tone.texts import bot_texts
from tests.auxil.handoff import handoff_services

HOURS = {
    "timezone": "Europe/Berlin",
    "response_time_minutes": 30,
    "weekly": {
        "monday": ["09:00-18:00"], "tuesday": ["09:00-18:00"], "wednesday": ["09:00-18:00"],
        "thursday": ["09:00-18:00"], "friday": ["09:00-18:00"], "saturday": [], "sunday": [],
    },
    "holidays": {"dates": []},
    "closures": [
        {"from": "2026-12-27", "to": "2027-01-01", "message": {"en": "We're on winter break."}}
    ],
}  # fmt: skip
SUNDAY_NIGHT = datetime(2026, 11, 22, 21, 30, tzinfo=timezone.utc)
MONDAY_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)
WINTER_BREAK = datetime(2026, 12, 29, 10, 0, tzinfo=timezone.utc)


def services(tmp_path: Path, now: datetime) -> Services:
    settings = Settings(var_dir=tmp_path)
    sessions = session_factory(create_database(settings.database_url_or_default))
    # The hours and handoff actions use the texts, the calendar, the handoff and the clock.
    return Services(
        settings=settings,
        faq=None,  # type: ignore[arg-type]
        detector=None,  # type: ignore[arg-type]
        gaps=None,  # type: ignore[arg-type]
        texts=bot_texts(settings),
        translations=None,  # type: ignore[arg-type]
        hours=parse_hours(HOURS),
        **handoff_services(settings, sessions),
        clock=lambda: now,
    )


def tracker(*, users: int = 1, notice: str | None = None, zone: str | None = None) -> Tracker:
    events: list[dict[str, Any]] = [{"event": "session_started"}]
    events += [{"event": "user", "text": "hi"} for _ in range(users)]
    return Tracker.from_dict(
        {
            "sender_id": "web-abc",
            "slots": {"language": "en", "closed_notice": notice},
            "latest_message": {
                "text": "hi",
                "intent": {"name": "greet"},
                "metadata": {"timezone": zone} if zone else {},
            },
            "events": events,
        }
    )


def run(action: Any, track: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return dispatcher.messages, events


def test_the_first_message_while_closed_gets_the_notice_in_the_customers_zone(
    tmp_path: Path,
) -> None:
    action = ActionHoursNotice(services=services(tmp_path, SUNDAY_NIGHT))
    [message], events = run(action, tracker(zone="America/Los_Angeles"))
    assert message["response"] == "utter_after_hours"
    assert message["opening_day"] == "Monday, November 23, 2026"
    assert message["opening_time"].replace("\u202f", " ") == "12:00 AM"
    assert message["opening_zone"] == "Pacific Standard Time"
    [slot] = events
    assert (slot["name"], slot["value"]) == ("closed_notice", "2026-11-23T09:00:00+01:00")


def test_the_notice_is_sent_once_per_closed_period_and_only_at_the_start(tmp_path: Path) -> None:
    action = ActionHoursNotice(services=services(tmp_path, SUNDAY_NIGHT))
    _, events = run(action, tracker())
    period = events[0]["value"]
    assert run(action, tracker(notice=period)) == ([], [])
    assert run(action, tracker(users=3)) == ([], [])  # not the first message
    assert run(ActionHoursNotice(services=services(tmp_path, MONDAY_NOON)), tracker()) == ([], [])


def test_a_closure_brings_its_own_message(tmp_path: Path) -> None:
    [message], _ = run(ActionHoursNotice(services=services(tmp_path, WINTER_BREAK)), tracker())
    assert message["response"] == "utter_after_hours_closure"
    assert message["closure_message"] == "We're on winter break."
    assert message["opening_day"] == "Monday, January 4, 2027"
    assert message["opening_zone"] == "Central European Standard Time"  # no zone from the channel
