"""A small business-hours calendar for tests: weekdays 9 to 18 in Berlin, and a winter
break with its own message."""

from __future__ import annotations

from datetime import datetime, timezone

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
