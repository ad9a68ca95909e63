"""Turn engines made of recording fakes and the shipped texts, calendar and policy, and a
conversation driver, for pure tests of ``bot/turn/`` (no Rasa, no servers, no models)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.faq.index import Hit
from bot.faq.matcher import Decision, Outcome
from bot.faq.schema import FaqEntry
from bot.faq.service import FaqResult
from bot.handoff.config import load_policy
from bot.hours.config import load_hours
from bot.settings import PROJECT_ROOT, Settings
from bot.tone.texts import bot_texts
from bot.turn.context import LiveIncident, TicketView, TurnContext
from bot.turn.engines import Mood, TurnEngines
from bot.turn.reply import TurnReply
from bot.turn.state import ConversationState
from bot.turn.turn import take_turn

OPEN = datetime.fromisoformat("2026-11-23T11:00:00+01:00")  # Monday morning in Berlin
CLOSED = datetime.fromisoformat("2026-11-22T22:30:00+01:00")  # Sunday evening

ENTRIES = {
    "change-address": ("How do I change my saved address?", "Go to **My account → Addresses**."),
    "change-order-address": (
        "Can I change the delivery address of an order?",
        "Only **before it ships**: open the order and choose Change address.",
    ),
    "refund-time": ("When will I get my refund?", "Refunds arrive within **5-10 working days**."),
    "track-order": ("Where is my order?", "Follow the tracking link in your shipping email."),
    "cancel-order": ("How do I cancel an order?", "Open **My orders → Cancel order**."),
    "international-shipping": ("Do you ship abroad?", "We ship to 30 countries."),
    "delivery-time": ("How long does delivery take?", "Two to five working days."),
}


def entry(entry_id: str) -> FaqEntry:
    question, answer = ENTRIES[entry_id]
    return FaqEntry(
        id=entry_id,
        question={"en": question, "es": f"¿{question}? (es)"},
        answer={"en": answer, "es": f"{answer} (es)"},
        tags=("test",),
        owner="test",
        last_reviewed=date(2026, 1, 1),
        source="test.yml",
    )


class ScriptedFaq:
    """Answers from a script: text -> (outcome, entry ids). Records every question asked."""

    def __init__(self, script: Mapping[str, tuple[str, Sequence[str]]]) -> None:
        self.script = {key.casefold(): value for key, value in script.items()}
        self.asked: list[str] = []

    def ask(self, text: str, *, language: str | None = None) -> FaqResult:
        self.asked.append(text)
        outcome, ids = self.script.get(text.casefold(), ("no_answer", ()))
        hits = tuple(
            Hit(entry_id, 0.9 - 0.05 * i, 0.9 - 0.05 * i, ENTRIES[entry_id][0], "en")
            for i, entry_id in enumerate(ids)
        )
        shown = hits if outcome != "no_answer" else ()
        return FaqResult(Decision(Outcome(outcome), hits), tuple(entry(h.entry_id) for h in shown))

    def entry(self, entry_id: str) -> FaqEntry | None:
        return entry(entry_id) if entry_id in ENTRIES else None


class ScriptedMood:
    """Mood from a script: text -> Mood; anything else reads calm."""

    def __init__(self, script: Mapping[str, Mood] | None = None) -> None:
        self.script = dict(script or {})

    def read(self, text: str, *, history: Sequence[str]) -> Mood:
        return self.script.get(text, Mood())


class ScriptedDetector:
    def __init__(self, script: Mapping[str, str] | None = None) -> None:
        self.script = dict(script or {})

    def detect(self, text: str) -> str | None:
        return self.script.get(text)


def engines(
    faq: Mapping[str, tuple[str, Sequence[str]]],
    *,
    mood: Mapping[str, Mood] | None = None,
    languages: Mapping[str, str] | None = None,
    keyword_topics: Callable[[str], tuple[str, ...]] | None = None,
) -> TurnEngines:
    settings = Settings()
    return TurnEngines(
        faq=ScriptedFaq(faq),
        mood=ScriptedMood(mood),
        detector=ScriptedDetector(languages),
        texts=bot_texts(settings),
        hours=load_hours(PROJECT_ROOT / "hours.yml"),
        policy=load_policy(PROJECT_ROOT / "escalation.yml"),
        keyword_topics=keyword_topics,
    )


@dataclass
class Chat:
    """A conversation driven turn by turn; the state flows from one reply to the next."""

    engines: TurnEngines
    now: datetime = OPEN
    channel: str = "web"
    state: ConversationState = field(default_factory=ConversationState)
    ticket: TicketView | None = None
    replies: list[TurnReply] = field(default_factory=list)
    turns: int = 0
    incidents: tuple[LiveIncident, ...] = ()

    def say(
        self,
        text: str,
        *,
        intent: str = "nlu_fallback",
        entities: Mapping[str, str] | None = None,
        confidence: float = 1.0,
    ) -> TurnReply:
        ctx = TurnContext(
            sender_id="customer-1",
            text=text,
            intent=intent,
            confidence=confidence,
            channel=self.channel,
            now=self.now,
            state=self.state,
            entities=dict(entities or {}),
            metadata={"platform": self.channel, "user_id": "u1"},
            ticket=self.ticket,
            first_of_session=self.turns == 0,
            incidents=self.incidents,
        )
        reply = take_turn(ctx, engines=self.engines)
        # As the action adapter does: a statement given is recorded for the conversation.
        self.incidents = tuple(
            replace(i, told=i.told or i.id in reply.incidents_told) for i in self.incidents
        )
        self.turns += 1
        self.state = reply.state
        self.replies.append(reply)
        if reply.ticket is not None and self.ticket is None:
            status = "queued" if reply.ticket.due_at else "open"
            self.ticket = TicketView("ticket-1", status, reply.ticket.due_at)
        return reply

    def click(self, button: Mapping[str, Any]) -> TurnReply:
        """Click a button the bot showed: its payload, parsed as Rasa would."""
        payload = str(button["payload"])
        intent, _, raw = payload[1:].partition("{")
        import json

        entities = {k: str(v) for k, v in json.loads("{" + raw).items()} if raw else {}
        return self.say(payload, intent=intent, entities=entities)


def kinds(reply: TurnReply) -> list[str]:
    return [message.kind for message in reply.messages]


def buttons(reply: TurnReply) -> list[dict[str, str]]:
    return [button for message in reply.messages for button in message.buttons]


def button(reply: TurnReply, payload_part: str) -> dict[str, str]:
    return next(b for b in buttons(reply) if payload_part in b["payload"])
