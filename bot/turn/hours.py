"""Business hours in a turn: when the team is back, and the notice said once per closed
period. Pure: the time comes with the turn."""

from __future__ import annotations

from datetime import datetime

from bot.hours.calendar import BusinessHours
from bot.hours.notice import opening_values, response_time
from bot.turn.reply import BotMessage
from bot.turn.voice import Voice


def when_back(
    hours: BusinessHours, *, now: datetime, language: str, zone: str | None
) -> dict[str, str]:
    """``opening_day``, ``opening_time`` and ``opening_zone``; empty if nothing ever opens."""
    return opening_values(hours, at=now, language=language, zone=zone) or {}


def after_hours_notice(
    hours: BusinessHours, voice: Voice, *, now: datetime, zone: str | None
) -> list[BotMessage]:
    """ "We're back on Monday at 9:00", or the closure's own message."""
    values = when_back(hours, now=now, language=voice.language, zone=zone)
    if not values:
        return []
    closure = hours.current_closure(now)
    message = closure.message.get(voice.language) if closure else None
    if message:
        values = {**values, "closure_message": message}
        return voice.say("utter_after_hours_closure", "after_hours", values=values)
    return voice.say("utter_after_hours", "after_hours", values=values)


def typical_wait(hours: BusinessHours, language: str) -> str:
    return response_time(hours.response_time_minutes, language)
