"""What the bot says in a turn, in order: the answer (or the question back), then the
offer of a person or the handoff notice, then after-hours information. Pure.

How the bot may speak of people depends on the conversation (:class:`Stance`): once
the team has it, never an offer, only "the team already has your conversation"; right
after an offer, not another one; while handing off, no buttons left to wait on.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum

from bot.handoff.policy import Action, Decision
from bot.turn.context import TurnContext
from bot.turn.engines import TurnEngines
from bot.turn.handoff import ticket_request
from bot.turn.hours import after_hours_notice, typical_wait, when_back
from bot.turn.outcome import Found
from bot.turn.reply import BotMessage, Gap, TicketRequest, Trace, TurnReply
from bot.turn.state import ConversationState
from bot.turn.voice import Voice


class Stance(Enum):
    TEAM_HAS_IT = "team_has_it"  # a ticket exists
    HANDING_OFF = "handing_off"  # this turn hands off
    JUST_OFFERED = "just_offered"  # the previous turn offered a person
    FREE = "free"  # the bot may offer a person


def respond(
    ctx: TurnContext,
    engines: TurnEngines,
    state: ConversationState,
    voice: Voice,
    found: Found,
    decision: Decision,
    trace: Trace,
    *,
    offered: bool,
) -> TurnReply:
    closed = engines.hours.closed_period(ctx.now)
    if ctx.ticket is not None:
        stance = Stance.TEAM_HAS_IT
    elif decision.action is Action.HANDOFF:
        stance = Stance.HANDING_OFF
    else:
        stance = Stance.JUST_OFFERED if offered else Stance.FREE
    pause = stance is Stance.HANDING_OFF and closed is None
    offer_follows = stance is Stance.FREE and decision.action is Action.OFFER
    first, offers, missing = _first(found, voice, stance, pause=pause, quiet=offer_follows)
    follow, ticket, state = _people(ctx, engines, state, voice, found, decision, stance, closed)
    if offer_follows and not offers:
        # Nothing went wrong when the only reason is that the message may ask for a
        # person: the offer then comes without an apology.
        neutral = all(reason.signal == "request" for reason in decision.reasons)
        key = "utter_person_offer" if neutral else "utter_handoff_offer"
        follow = voice.say(key, "offer", buttons=(voice.person_button(),))
        offers = True
    if offers and state.records:
        records = list(state.records)
        records[-1] = replace(records[-1], offered=True)
        state = replace(state, records=tuple(records))
    notice: list[BotMessage] = []
    if closed and state.closed_notice != closed and ctx.first_of_session:
        zone = ctx.metadata.get("timezone")
        notice = after_hours_notice(engines.hours, voice, now=ctx.now, zone=zone)
        state = replace(state, closed_notice=closed)
    gap = None
    if found.kind == "no_answer":
        gap = Gap(ctx.text, [{"id": h.entry_id, "score": round(h.score, 4)} for h in found.hits])
    elif found.kind == "none_chosen" and ctx.state.pending is not None:
        # The customer turned every choice down: their question is a gap too (issue 14).
        gap = Gap(ctx.state.pending.text, [])
    return TurnReply(
        messages=(*first, *follow, *notice),
        state=replace(state, pending=None) if pause else state,
        language=voice.language,
        pause=pause,
        disable_buttons=pause,
        ticket=ticket,
        gap=gap,
        missing_translation=missing,
        trace=trace,
    )


def _first(
    found: Found, voice: Voice, stance: Stance, *, pause: bool, quiet: bool
) -> tuple[list[BotMessage], bool, str | None]:
    """The answer, the question back, or the admission; whether it offers a person; the
    entry whose translation was missing. ``quiet``: an offer follows, so none here."""
    free = stance is Stance.FREE and not quiet
    if found.kind == "answer":
        messages, answer = voice.answer(found.entries[0], person_buttons=free)
        return (
            messages,
            free and any(m.buttons for m in messages),
            (found.entries[0].id if answer.missing_translation else None),
        )
    if found.kind == "clarify":
        return ([] if pause else voice.clarify(found.entries)), False, None
    if found.kind in ("no_answer", "none_chosen"):
        key = {
            ("no_answer", Stance.TEAM_HAS_IT): "utter_faq_no_answer_with_team",
            ("no_answer", Stance.HANDING_OFF): "utter_faq_no_answer_noted",
            ("no_answer", Stance.JUST_OFFERED): "utter_faq_no_answer_noted",
            ("none_chosen", Stance.TEAM_HAS_IT): "utter_faq_none_chosen_retry",
            ("none_chosen", Stance.HANDING_OFF): "utter_faq_none_chosen_noted",
            ("none_chosen", Stance.JUST_OFFERED): "utter_faq_none_chosen_retry",
        }.get((found.kind, stance))
        if key is not None:
            return voice.say(key, found.kind), False, None
        button = (voice.person_button(),)
        return (
            voice.say(
                "utter_faq_no_answer" if found.kind == "no_answer" else "utter_faq_none_chosen",
                found.kind,
                buttons=button,
            ),
            True,
            None,
        )
    if found.kind == "gone":
        return voice.say("utter_faq_gone", "gone"), False, None
    if found.kind == "chat" and found.chat:
        return voice.say(found.chat, "chat"), False, None
    return [], False, None


def _people(
    ctx: TurnContext,
    engines: TurnEngines,
    state: ConversationState,
    voice: Voice,
    found: Found,
    decision: Decision,
    stance: Stance,
    closed: str | None,
) -> tuple[list[BotMessage], TicketRequest | None, ConversationState]:
    """The handoff notice, or "the team already has it", and the ticket."""
    back = when_back(
        engines.hours, now=ctx.now, language=voice.language, zone=ctx.metadata.get("timezone")
    )
    if stance is Stance.TEAM_HAS_IT:
        said = (
            voice.say("utter_with_team", "with_team", values=back) if found.kind == "person" else []
        )
        handoff = decision.action is Action.HANDOFF  # new reasons join the ticket
        ticket = (
            ticket_request(ctx, state.records, decision.reasons, due_at=None) if handoff else None
        )
        return said, ticket, state
    if stance is not Stance.HANDING_OFF:
        return [], None, state
    due = engines.hours.next_opening(ctx.now) if closed else None
    ticket = ticket_request(ctx, state.records, decision.reasons, due_at=due)
    if closed:
        said = voice.say("utter_human_queued", "queued", values=back)
        return said, ticket, replace(state, closed_notice=closed)
    wait = typical_wait(engines.hours, voice.language)
    return voice.say("utter_handoff", "handoff", values={"response_time": wait}), ticket, state
