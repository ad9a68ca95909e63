"""Answers from the FAQ knowledge base, asks which entry was meant, or admits it cannot."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.responses import response_text
from actions.services import Services, get_services
from bot.faq.matcher import Outcome
from bot.faq.schema import FaqEntry


class ActionAnswerFaq(Action):
    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        language = tracker.get_slot("language") or services.settings.default_language
        chosen = next(tracker.get_latest_entity_values("faq_id"), None)
        if chosen:
            entry = services.faq.entry(chosen)
            if entry is None:
                dispatcher.utter_message(response="utter_faq_gone")
            else:
                self._answer(dispatcher, entry, language, services)
            return []
        text = tracker.latest_message.get("text") or ""
        result = services.faq.ask(text)
        if result.decision.outcome is Outcome.ANSWER:
            self._answer(dispatcher, result.entries[0], language, services)
        elif result.decision.outcome is Outcome.CLARIFY:
            default = services.settings.default_language
            buttons = [_choice(entry, language, default) for entry in result.entries]
            buttons.append(
                _button(domain, "utter_button_none_of_these", language, "/request_human")
            )
            dispatcher.utter_message(response="utter_faq_clarify", buttons=buttons)
        else:
            services.gaps.record(
                text=text,
                language=language,
                channel=tracker.get_latest_input_channel() or "unknown",
                conversation_id=tracker.sender_id,
                candidates=[
                    {"id": hit.entry_id, "score": round(hit.score, 4)}
                    for hit in result.decision.hits
                ],
            )
            dispatcher.utter_message(
                response="utter_faq_no_answer",
                buttons=[
                    _button(domain, "utter_button_talk_to_person", language, "/request_human")
                ],
            )
        return []

    @staticmethod
    def _answer(
        dispatcher: CollectingDispatcher, entry: FaqEntry, language: str, services: Services
    ) -> None:
        default = services.settings.default_language
        text = entry.answer.get(language) or entry.answer[default]
        links = [
            f"[{link.label.get(language) or link.label[default]}]({link.url})"
            for link in entry.links
        ]
        if links:
            text += "\n\n" + "\n".join(links)
        buttons = [
            {
                "title": button.label.get(language) or button.label[default],
                "payload": button.payload,
            }
            for button in entry.buttons
        ]
        dispatcher.utter_message(text=text, buttons=buttons)


def _choice(entry: FaqEntry, language: str, default: str) -> dict[str, str]:
    payload = "/faq_choose" + json.dumps({"faq_id": entry.id})
    return {"title": entry.title(language, default), "payload": payload}


def _button(domain: dict[str, Any], response: str, language: str, payload: str) -> dict[str, str]:
    return {"title": response_text(domain, response, language), "payload": payload}
