"""Replay scripted conversations through the pure turn function, as a customer would.

The real engines and knowledge base answer, the trained Rasa NLU reads each message, the
clock is frozen at a time the team is in (or away). What Rasa adds around a turn is
simulated faithfully: a paused conversation runs no action, a handoff's ticket goes to
a person (or waits for opening time), an agent can reply and give the conversation back.
When the bot asks which entry was meant, the simulated customer clicks the wanted entry
if it is offered and "None of these" otherwise, unless the script clicks itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.eval.conversation_checks import problems_of
from bot.eval.conversation_scripts import Script, Step
from bot.turn.context import TicketView, TurnContext
from bot.turn.engines import TurnEngines
from bot.turn.history import Choice, Utterance
from bot.turn.reply import TurnReply
from bot.turn.state import ConversationState
from bot.turn.turn import take_turn

OPEN_AT = datetime.fromisoformat("2026-11-23T11:00:00+01:00")  # Monday morning, Berlin
CLOSED_AT = datetime.fromisoformat("2026-11-22T22:30:00+01:00")  # Sunday evening
STEP = timedelta(seconds=40)

Nlu = Callable[[str], tuple[str | None, float, Mapping[str, str]]]  # intent, confidence
"""Rasa's reading of a message: (intent, entities)."""


@dataclass
class TurnLog:
    """What happened on one customer turn (``auto``: the simulated click after a question)."""

    step: Step
    sent: str
    reply: TurnReply | None  # None: the conversation was paused, no action ran
    auto: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return [m.kind for m in self.reply.messages] if self.reply else []

    @property
    def entries(self) -> list[str]:
        if self.reply is None:
            return []
        return [m.entry for m in self.reply.messages if m.kind == "answer" and m.entry]

    @property
    def offered(self) -> bool:
        """The bot offered a person on this turn (an offer, or a miss with the button)."""
        if self.reply is None:
            return False
        payloads = [b["payload"] for m in self.reply.messages for b in m.buttons]
        return "offer" in self.kinds or "/request_human" in payloads


@dataclass
class ConversationLog:
    """A replayed conversation (``skipped``: scripted clicks on buttons never shown)."""

    script: Script
    turns: list[TurnLog] = field(default_factory=list)
    handed_off: bool = False
    skipped: int = 0


class Simulator:
    def __init__(self, *, engines: TurnEngines, nlu: Nlu) -> None:
        self.engines = engines
        self.nlu = nlu

    def run(self, script: Script) -> ConversationLog:
        log = ConversationLog(script)
        world = _World(now=OPEN_AT if script.hours == "open" else CLOSED_AT)
        steps = list(script.steps)
        for index, step in enumerate(steps):
            if step.kind == "agent":
                self._agent(step, script, world, log)
                continue
            sent = _sent(step, world)
            if sent is None:  # the bot answered without asking, or a handoff closed it
                log.skipped += 1
                continue
            turn = self._turn(step, sent, script, world)
            log.turns.append(turn)
            following = steps[index + 1] if index + 1 < len(steps) else None
            scripted_click = following is not None and following.kind in ("click", "type")
            if turn.reply and "clarify" in turn.kinds and not scripted_click:
                choice = _auto_choice(step, world)
                if choice is not None:
                    log.turns.append(self._turn(step, choice, script, world, auto=True))
        log.handed_off = world.handed_off
        return log

    def _turn(
        self, step: Step, sent: str, script: Script, world: _World, *, auto: bool = False
    ) -> TurnLog:
        world.now += STEP
        clicked = sent.startswith("/")
        title = world.titles.get(sent, sent)
        world.history.append(Utterance("customer", title, world.now, sent=sent))
        if world.ticket is not None and world.ticket.with_person:
            problems = ["dead click: the conversation is paused"] if clicked else []
            return TurnLog(step, sent, None, auto=auto, problems=problems)
        intent, confidence, entities = self.nlu(sent)
        ctx = TurnContext(
            sender_id=script.id,
            text=sent,
            intent=intent,
            confidence=confidence,
            channel=script.channel,
            now=world.now,
            state=world.state,
            entities=dict(entities),
            metadata={"platform": script.channel, "user_id": script.id},
            history=tuple(world.history),
            ticket=world.ticket,
            first_of_session=world.first,
        )
        reply = take_turn(ctx, engines=self.engines)
        turn = TurnLog(step, sent, reply, auto=auto)
        turn.problems += problems_of(
            turn, world.offered_before, world.ticket is not None, expect=not auto
        )
        world.absorb(reply)
        return turn

    def _agent(self, step: Step, script: Script, world: _World, log: ConversationLog) -> None:
        world.now += STEP
        if world.ticket is None:
            problem = "agent step without a ticket"
            log.turns.append(TurnLog(step, step.text, None, problems=[problem]))
            return
        if step.text == "reply":
            world.ticket = replace(world.ticket, status="claimed")
            world.history.append(Utterance("agent", step.agent_text, world.now, name="Agent"))
            return
        closed = TicketView(world.ticket.id, "resolved" if step.text == "resolve" else "returned")
        world.ticket = None
        ctx = TurnContext(
            sender_id=script.id,
            text="EXTERNAL: handoff_ended",
            intent="handoff_ended",
            channel=script.channel,
            now=world.now,
            state=world.state,
            closed_ticket=closed,
        )
        reply = take_turn(ctx, engines=self.engines)
        world.absorb(reply)
        turn = TurnLog(step, "handoff_ended", reply)
        if "returned" not in turn.kinds:
            turn.problems.append("the bot did not take the conversation back")
        log.turns.append(turn)


@dataclass
class _World:
    """Rasa and the desk around the turns: state, ticket, buttons, history."""

    now: datetime
    state: ConversationState = field(default_factory=ConversationState)
    ticket: TicketView | None = None
    history: list[Utterance] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)  # usable buttons, newest last
    titles: dict[str, str] = field(default_factory=dict)
    first: bool = True
    handed_off: bool = False
    offered_before: bool = False

    def absorb(self, reply: TurnReply) -> None:
        self.state = reply.state
        self.first = False
        self.offered_before = any(
            m.kind == "offer" or any(b["payload"] == "/request_human" for b in m.buttons)
            for m in reply.messages
        )
        if reply.disable_buttons:
            self.buttons = []
        for message in reply.messages:
            self.buttons += list(message.buttons)
            self.titles.update({b["payload"]: b["title"] for b in message.buttons})
            choices = tuple(Choice(b["title"], b["payload"]) for b in message.buttons)
            self.history.append(
                Utterance("bot", message.text, self.now, choices=choices, kind=message.kind)
            )
        if reply.ticket is not None and self.ticket is None:
            self.handed_off = True
            status = "queued" if reply.ticket.due_at is not None else "open"
            self.ticket = TicketView("ticket", status, reply.ticket.due_at)
        if reply.pause and self.ticket is not None:
            self.ticket = replace(self.ticket, status="open")


def _sent(step: Step, world: _World) -> str | None:
    """What reaches the bot: typed text, or the payload of the button clicked."""
    if step.kind in ("say", "type"):
        return step.text
    wanted = {"none": "/faq_none", "person": "/request_human"}.get(step.text)
    for button in reversed(world.buttons):
        payload = button["payload"]
        if payload == wanted or (wanted is None and _entry_of(payload) == step.text):
            return payload
    return None


def _auto_choice(step: Step, world: _World) -> str | None:
    """The simulated customer's click on a clarification: the wanted entry, else none."""
    for button in reversed(world.buttons):
        if step.want and _entry_of(button["payload"]) == step.want:
            return button["payload"]
    return "/faq_none" if any(b["payload"] == "/faq_none" for b in world.buttons) else None


def _entry_of(payload: str) -> str | None:
    if not payload.startswith("/faq_choose"):
        return None
    data: dict[str, Any] = json.loads(payload[len("/faq_choose") :] or "{}")
    return str(data.get("faq_id")) if data.get("faq_id") else None
