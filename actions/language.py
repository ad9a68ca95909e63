"""Sets the ``language`` slot on every message (a custom slot mapping)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services, get_services
from bot.locale.resolve import resolve_language, supported_language


class ActionResolveLanguage(Action):
    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_resolve_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        text = tracker.latest_message.get("text") or ""
        detected = None if text.startswith("/") else services.detector.detect(text)
        metadata = tracker.latest_message.get("metadata") or {}
        language = resolve_language(
            detected=detected,
            previous=tracker.get_slot("language"),
            default=services.settings.default_language,
            hint=supported_language(
                metadata.get("locale_hint"), supported=services.settings.languages
            ),
        )
        return [SlotSet("language", language)]
