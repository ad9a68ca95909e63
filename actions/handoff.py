"""Escalation in the conversation: read each message for a reason to bring in a person,
offer one or hand off, and take the conversation back afterwards.

The policy (``bot/handoff/policy.py``) decides; these actions feed it the turn
records, open the ticket with its context package, and pause the conversation.
While it is paused Rasa records the customer's messages but runs no action, so the
bot stays silent until an agent resolves the ticket or returns it to the bot.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.hours import TurnHours
from actions.services import Services, get_services
from bot.handoff.context import (
    TurnRecord,
    customer_profile,
    faq_tried,
    reason_dicts,
    records,
    sentiment,
    slot_value,
    summary,
    transcript,
)
from bot.handoff.policy import Action as Verdict
from bot.handoff.policy import Decision, Reason
from bot.hours.notice import response_time

HISTORY_SLOT = "handoff_turns"
CSAT_SLOT = "csat_ticket"
FAQ_INTENTS = ("faq", "nlu_fallback")
_RATING = re.compile(
    r"^\D{0,20}([1-5])\s*(?:/\s*5|\*|★+|stars?|sterne?|estrellas?|étoiles?|estrelas?|نجوم)?\W*$",
    re.I,
)


class Escalation:
    """One turn's view of the handoff: the records so far, and what to do about them."""

    def __init__(self, services: Services, tracker: Tracker) -> None:
        self.services = services
        self.tracker = tracker
        self.history = records(tracker.get_slot(HISTORY_SLOT))
        self.language = tracker.get_slot("language") or services.settings.default_language
        self.channel = tracker.get_latest_input_channel() or "rest"

    def record(self, *, asked_for_person: bool = False) -> TurnRecord:
        """Score the latest message and add its record."""
        text = str(self.tracker.latest_message.get("text") or "")
        anger = 0.0
        if text and not text.startswith("/"):
            before = [r.text for r in self.history]
            anger = self.services.anger.score([text], history=before)[0].probability
        record = TurnRecord(
            text="" if text.startswith("/") else text,
            language=self.language,
            at=self.tracker.latest_message.get("timestamp") or _now(),
            anger=round(anger, 4),
            asked_for_person=asked_for_person,
        )
        self.history.append(record)
        return record

    def update_last(self, **changes: Any) -> None:
        if self.history:
            last = self.history[-1].as_slot() | changes
            self.history[-1] = TurnRecord.from_slot(last)

    def decide(self) -> Decision:
        return self.services.policy.decide([r.policy_turn() for r in self.history])

    def slot(self) -> dict[str, Any]:
        return SlotSet(HISTORY_SLOT, slot_value(self.history))

    def offer_button(self) -> dict[str, str]:
        title = self.services.texts.line(
            "utter_button_talk_to_person", channel=self.channel, language=self.language
        )
        return {"title": title, "payload": "/request_human"}

    def hand_off(self, dispatcher: CollectingDispatcher, reasons: tuple[Reason, ...]) -> list[Any]:
        """Open (or add to) the conversation's ticket and tell the customer what happens next.

        While the team is in, the conversation is paused at once. After hours the
        ticket is queued for opening time and the bot goes on answering meanwhile.
        """
        services, tracker = self.services, self.tracker
        hours = TurnHours(services, tracker)
        messages = transcript(tracker.events)
        metadata = tracker.latest_message.get("metadata") or {}
        active = services.tickets.active_for(tracker.sender_id)
        ticket = services.tickets.open(
            sender_id=tracker.sender_id,
            channel=self.channel,
            language=self.language,
            reasons=reason_dicts(reasons, self.history),
            profile=customer_profile(metadata),
            transcript=messages,
            sentiment=sentiment(self.history),
            faq_tried=faq_tried(self.history),
            summary=summary(messages),
            due_at=None if hours.period is None else services.hours.next_opening(hours.now),
        )
        if ticket.status != "queued":
            wait = response_time(services.hours.response_time_minutes, self.language)
            dispatcher.utter_message(response="utter_handoff", response_time=wait)
            return [ConversationPaused()]
        events = hours.notify(dispatcher)
        if active is None or any(r.signal == "request" for r in reasons):
            dispatcher.utter_message(response="utter_human_queued")
        return events


class ActionTriage(Action):
    """First in every rule for what a customer writes: score it, then hand off, offer a
    person (the FAQ answer carries the offer), or let the turn go on."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        escalation = Escalation(self._services or get_services(), tracker)
        escalation.record()
        decision = escalation.decide()
        if decision.action is Verdict.HANDOFF:
            return [escalation.slot(), *escalation.hand_off(dispatcher, decision.reasons)]
        if decision.action is Verdict.OFFER:
            escalation.update_last(offered=True)
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent not in FAQ_INTENTS:
                dispatcher.utter_message(
                    response="utter_handoff_offer", buttons=[escalation.offer_button()]
                )
        return [escalation.slot()]


class ActionRequestHuman(Action):
    """The customer asks for a person: ``request_human``, ``/human`` or a button."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        escalation = Escalation(self._services or get_services(), tracker)
        escalation.record(asked_for_person=True)
        decision = escalation.decide()
        return [escalation.slot(), *escalation.hand_off(dispatcher, decision.reasons)]


class ActionHandoffReturned(Action):
    """An agent resolved the ticket or gave the conversation back: the bot says it is back
    and asks for a 1–5 rating (triggered by the desk as the ``handoff_ended`` intent)."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_handoff_returned"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        ticket = services.tickets.latest_closed(tracker.sender_id)
        dispatcher.utter_message(response="utter_handoff_back")
        events: list[dict[str, Any]] = [SlotSet(HISTORY_SLOT, [])]
        if ticket is not None and ticket.csat is None:
            buttons = [
                {"title": str(n), "payload": f'/rate{{"rating": "{n}"}}'} for n in range(1, 6)
            ]
            dispatcher.utter_message(response="utter_csat_ask", buttons=buttons)
            events.append(SlotSet(CSAT_SLOT, ticket.id))
        return events


class ActionRate(Action):
    """A 1–5 rating after a handoff, stored on the ticket; anything else is a question."""

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_rate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        ticket_id = tracker.get_slot(CSAT_SLOT)
        rating = rating_of(tracker)
        if ticket_id and rating is not None:
            services.tickets.rate(str(ticket_id), rating)
            dispatcher.utter_message(response="utter_csat_thanks")
            return [SlotSet(CSAT_SLOT, None)]
        from actions.faq import ActionAnswerFaq

        return await ActionAnswerFaq(services=services).run(dispatcher, tracker, domain)


class ActionSessionStart(Action):
    """Rasa's session start, plus: a conversation handed to a person stays paused.

    A new session resets Rasa's pause, so without this a customer writing an hour
    into a handoff would get the bot talking over the agent.
    """

    def __init__(self, *, services: Services | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        services = self._services or get_services()
        events: list[dict[str, Any]] = [SessionStarted()]
        carry = (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True)
        if carry:
            events += [
                SlotSet(key, value)
                for key, value in tracker.slots.items()
                if value is not None and key != "session_started_metadata"
            ]
        ticket = services.tickets.active_for(tracker.sender_id)
        if ticket is not None and ticket.with_person:
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events


def rating_of(tracker: Tracker) -> int | None:
    """The rating a button sent, or one typed on its own ("4", "5/5", "3 stars")."""
    value = next(tracker.get_latest_entity_values("rating"), None)
    if value is None:
        match = _RATING.match(str(tracker.latest_message.get("text") or "").strip())
        value = match.group(1) if match else None
    try:
        rating = int(str(value))
    except ValueError:
        return None
    return rating if 1 <= rating <= 5 else None


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()
