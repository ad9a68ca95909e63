"""Answers from the FAQ knowledge base, asks which entry was meant, or admits it cannot."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import Escalation
from actions.services import Services, get_services
from bot.faq.matcher import Outcome
from bot.faq.schema import FaqEntry
from bot.handoff.policy import Action as Verdict
from bot.tone.answers import answer_messages, choice_button


class ActionAnswerFaq(Action):
    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        reply = _Reply(services, tracker)
        escalation = Escalation(services, tracker)
        chosen = next(tracker.get_latest_entity_values("faq_id"), None)
        if chosen:
            entry = services.faq.entry(chosen)
            if entry is None:
                dispatcher.utter_message(response="utter_faq_gone")
            else:
                reply.answer(dispatcher, entry)
            escalation.update_last(helped=entry is not None)
            return [escalation.slot()]
        text = tracker.latest_message.get("text") or ""
        result = services.faq.ask(text)
        hits = [
            {
                "id": hit.entry_id,
                "question": _question(services, hit.entry_id),
                "score": round(hit.score, 4),
            }
            for hit in result.decision.hits[:3]
        ]
        outcome = result.decision.outcome
        escalation.update_last(helped=outcome is Outcome.ANSWER, faq=hits)
        decision = escalation.decide()
        failed = decision.action is Verdict.HANDOFF
        if outcome is Outcome.ANSWER:
            reply.answer(dispatcher, result.entries[0])
            if escalation.history and escalation.history[-1].offered:
                dispatcher.utter_message(
                    response="utter_handoff_offer", buttons=[escalation.offer_button()]
                )
        elif outcome is Outcome.CLARIFY:
            buttons = [reply.choice(entry) for entry in result.entries]
            buttons.append(reply.button("utter_button_none_of_these", "/request_human"))
            dispatcher.utter_message(response="utter_faq_clarify", buttons=buttons)
        else:
            services.gaps.record(
                text=text,
                language=reply.language,
                channel=reply.channel,
                conversation_id=tracker.sender_id,
                candidates=[{"id": hit["id"], "score": hit["score"]} for hit in hits],
            )
            button = reply.button("utter_button_talk_to_person", "/request_human")
            dispatcher.utter_message(
                response="utter_faq_no_answer", buttons=[] if failed else [button]
            )
        if failed and outcome is not Outcome.ANSWER:
            return [escalation.slot(), *escalation.hand_off(dispatcher, decision.reasons)]
        return [escalation.slot()]


def _question(services: Services, entry_id: str) -> str:
    entry = services.faq.entry(entry_id)
    return (
        entry.title(services.settings.default_language, services.settings.default_language)
        if entry
        else ""
    )


class _Reply:
    """What this turn says, in the conversation's language and the channel's tone."""

    def __init__(self, services: Services, tracker: Tracker) -> None:
        self.services = services
        self.default = services.settings.default_language
        self.language = tracker.get_slot("language") or self.default
        self.channel = tracker.get_latest_input_channel() or "rest"

    def answer(self, dispatcher: CollectingDispatcher, entry: FaqEntry) -> None:
        """The entry's answer for this channel and language; a missing translation is logged."""
        answer = answer_messages(
            entry, texts=self.services.texts, channel=self.channel, language=self.language
        )
        if answer.missing_translation:
            self.services.translations.record(
                entry_id=entry.id, language=self.language, channel=self.channel
            )
        for index, message in enumerate(answer.messages):
            last = index == len(answer.messages) - 1
            dispatcher.utter_message(text=message, buttons=answer.buttons if last else [])

    def choice(self, entry: FaqEntry) -> dict[str, str]:
        return choice_button(entry, language=self.language, default=self.default)

    def button(self, key: str, payload: str) -> dict[str, str]:
        title = self.services.texts.line(key, channel=self.channel, language=self.language)
        return {"title": title, "payload": payload}
