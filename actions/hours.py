"""Business hours in the conversation: the after-hours notice, and asking for a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services, get_services
from bot.hours.notice import opening_values, response_time

NOTICE_SLOT = "closed_notice"


def first_message_of_session(tracker: Tracker) -> bool:
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        users += event.get("event") == "user"
    return users <= 1


class _Hours:
    """The turn's view of the calendar: now, the closed period, and the notice to send."""

    def __init__(self, services: Services, tracker: Tracker) -> None:
        self.services = services
        self.tracker = tracker
        self.now = services.clock()
        self.period = services.hours.closed_period(self.now)
        self.language = tracker.get_slot("language") or services.settings.default_language
        self.metadata = tracker.latest_message.get("metadata") or {}

    @property
    def noticed(self) -> bool:
        return self.period is not None and self.tracker.get_slot(NOTICE_SLOT) == self.period

    def notify(self, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        """Say when the team is back, once per closed period; returns the slot event."""
        if self.period is None or self.noticed:
            return []
        values = opening_values(
            self.services.hours,
            at=self.now,
            language=self.language,
            zone=self.metadata.get("timezone"),
        )
        if values is None:
            return []
        closure = self.services.hours.current_closure(self.now)
        message = closure.message.get(self.language) if closure else None
        if message:
            dispatcher.utter_message(
                response="utter_after_hours_closure", closure_message=message, **values
            )
        else:
            dispatcher.utter_message(response="utter_after_hours", **values)
        return [SlotSet(NOTICE_SLOT, self.period)]


class ActionHoursNotice(Action):
    """At the start of a conversation while the team is away: when it is back."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_hours_notice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        hours = _Hours(self._services or get_services(), tracker)
        if not first_message_of_session(tracker):
            return []
        return hours.notify(dispatcher)


class ActionRequestHuman(Action):
    """A customer asks for a person: the typical wait while open; while closed, the
    notice (once per closed period) and a place in the queue for opening time."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        hours = _Hours(services, tracker)
        if hours.period is None:
            wait = response_time(services.hours.response_time_minutes, hours.language)
            dispatcher.utter_message(response="utter_request_human", response_time=wait)
            return []
        events = hours.notify(dispatcher)
        services.human_queue.enqueue(
            sender_id=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "rest",
            language=hours.language,
            reason="request",
            due_at=services.hours.next_opening(hours.now),
        )
        dispatcher.utter_message(response="utter_human_queued")
        return events
