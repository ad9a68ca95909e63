"""The conversation's language: set on every message, and chosen explicitly on request."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services, get_services
from bot.locale.format import autonym
from bot.locale.names import named_language
from bot.locale.resolve import choose_language, is_clear, supported_language


def requested_language(tracker: Tracker, supported: list[str]) -> str | None:
    """The language a ``choose_language`` message asks for, if it is supported.

    A click carries the code as an entity; typed text ("in German please") carries
    a name, which the entity extractor maps to a code, or the language names of
    every supported language recognise.
    """
    if (tracker.latest_message.get("intent") or {}).get("name") != "choose_language":
        return None
    asked = next(tracker.get_latest_entity_values("requested_language"), None)
    code = supported_language(str(asked), supported=supported) if asked else None
    if code is None:
        text = tracker.latest_message.get("text") or ""
        code = named_language(text, supported=supported) or code
    return code


class ActionResolveLanguage(Action):
    """Custom slot mapping for ``language`` and ``language_pinned``."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_resolve_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        settings = services.settings
        text = tracker.latest_message.get("text") or ""
        metadata = tracker.latest_message.get("metadata") or {}
        detected = None if text.startswith("/") else services.detector.detect(text)
        choice = choose_language(
            default=settings.default_language,
            previous=tracker.get_slot("language"),
            pinned=bool(tracker.get_slot("language_pinned")),
            explicit=requested_language(tracker, settings.languages),
            hint=supported_language(metadata.get("locale_hint"), supported=settings.languages),
            detected=detected,
            clear=is_clear(text, detected),
        )
        return [SlotSet("language", choice.language), SlotSet("language_pinned", choice.pinned)]


class ActionChooseLanguage(Action):
    """Confirms a language the customer asked for, or offers the supported ones."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_choose_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        languages = services.settings.languages
        if requested_language(tracker, languages):
            dispatcher.utter_message(response="utter_language_switched")
            return []
        buttons = [
            {
                "title": autonym(code),
                "payload": "/choose_language" + json.dumps({"requested_language": code}),
            }
            for code in languages
        ]
        dispatcher.utter_message(response="utter_language_menu", buttons=buttons)
        return []
