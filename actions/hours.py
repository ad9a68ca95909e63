"""Business hours in the conversation: the after-hours notice, once per closed period."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services, get_services
from bot.hours.notice import opening_values

NOTICE_SLOT = "closed_notice"


def first_message_of_session(tracker: Tracker) -> bool:
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        users += event.get("event") == "user"
    return users <= 1


class TurnHours:
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
        hours = TurnHours(self._services or get_services(), tracker)
        if not first_message_of_session(tracker):
            return []
        return hours.notify(dispatcher)
