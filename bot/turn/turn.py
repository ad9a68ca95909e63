"""One customer turn, decided in one pure function: :func:`take_turn`.

The order of what the bot says within a turn is fixed: the answer (or the question
back) first, then the offer of a person or the handoff notice, then after-hours
information. The rules a customer would call fair live here:

- a clarification stays open until the customer picks, says "none of these" or asks
  something else; only "none of these", or another miss after it, is a failure;
- a click on an answer is always answered;
- the bot never pauses while its own buttons wait: a handoff closes them first;
- once a ticket exists the bot never offers a person again;
- anger or a complaint with a question gets the answer, an apology and an offer;
- during an incident, its approved statement comes first, once per conversation.
"""

from __future__ import annotations

from dataclasses import replace

from bot.faq.matcher import Outcome as FaqVerdict
from bot.handoff.context import TurnRecord
from bot.handoff.policy import Action, Decision
from bot.locale.resolve import choose_language, is_clear, supported_language
from bot.turn import crisis
from bot.turn.context import TurnContext
from bot.turn.engines import Mood, TurnEngines
from bot.turn.outcome import find, remember
from bot.turn.reading import Move, Reading, read
from bot.turn.reply import Learned, Trace, TurnReply
from bot.turn.respond import respond
from bot.turn.state import ConversationState
from bot.turn.voice import Voice

RECORDED_MOVES = (Move.QUESTION, Move.CHAT, Move.PERSON)


def take_turn(ctx: TurnContext, *, engines: TurnEngines) -> TurnReply:
    """What the bot does with one customer message."""
    if ctx.ticket is not None and ctx.ticket.with_person and ctx.intent != "handoff_ended":
        # A person has the conversation (Rasa paused it; a new session unpaused it).
        language = ctx.state.language or engines.default_language
        return TurnReply((), ctx.state, language, pause=True, trace=Trace("with_person"))
    state = _with_language(ctx, engines)
    assert state.language is not None
    voice = Voice(engines.texts, ctx.channel, state.language)
    offered = bool(state.records) and state.records[-1].offered
    asks = engines.policy.asks_for_person(ctx.text, state.language) is not None
    reading = read(ctx, languages=engines.languages, offered=offered, asks_person=asks)
    if reading.move is Move.PERSON and not asks and _doubted(ctx, engines, state.language):
        reading = Reading(Move.QUESTION, asks=True, maybe_person=True)
    if reading.move is Move.RETURNED:
        return _returned(ctx, state, voice)
    if reading.move is Move.RATING:
        assert state.csat_ticket is not None and reading.rating is not None
        thanks = voice.say("utter_csat_thanks", "csat")
        rating = (state.csat_ticket, reading.rating)
        done = replace(state, csat_ticket=None)
        return TurnReply(tuple(thanks), done, voice.language, rating=rating, trace=Trace("rating"))
    state = replace(state, csat_ticket=None)
    if ctx.intent == crisis.NOTIFY_INTENT:
        return crisis.subscribed(ctx, state, voice)
    if reading.move is Move.LANGUAGE:
        said = (
            voice.say("utter_language_switched", "language")
            if reading.language
            else voice.language_menu()
        )
        return TurnReply(tuple(said), state, voice.language, trace=Trace("language"))
    return _conversation(ctx, engines, state, voice, reading, offered=offered)


def _with_language(ctx: TurnContext, engines: TurnEngines) -> ConversationState:
    """The state with the turn's language: chosen, clearly switched, kept, hinted or detected."""
    from bot.turn.reading import requested_language

    languages = engines.languages
    detected = None if ctx.clicked else engines.detector.detect(ctx.text)
    explicit = requested_language(ctx, languages) if ctx.intent == "choose_language" else None
    choice = choose_language(
        default=engines.default_language,
        previous=ctx.state.language,
        pinned=ctx.state.pinned,
        explicit=explicit,
        hint=supported_language(ctx.metadata.get("locale_hint"), supported=languages),
        detected=detected,
        clear=is_clear(ctx.text, detected),
    )
    return replace(ctx.state, language=choice.language, pinned=choice.pinned)


def _conversation(
    ctx: TurnContext,
    engines: TurnEngines,
    state: ConversationState,
    voice: Voice,
    reading: Reading,
    *,
    offered: bool,
) -> TurnReply:
    before = next((r.text for r in reversed(state.records) if r.text), None)
    found = find(reading, ctx.text, engines=engines, before=before, language=voice.language)
    record, mood = None, None
    if reading.move in RECORDED_MOVES:
        mood = _mood(ctx, engines, state)
        record = TurnRecord(
            text="" if ctx.clicked else ctx.text,
            language=voice.language,
            at=ctx.now.timestamp(),
            anger=round(mood.anger, 4),
            complaint=round(mood.complaint, 4),
            repeat=round(mood.repeat, 4),
            asked_for_person=reading.move is Move.PERSON,
            maybe_person=reading.maybe_person,
        )
    state = remember(state, found, record, language=voice.language, text=ctx.text)
    changed = record is not None or found.kind == "none_chosen"
    decision = (
        engines.policy.decide([r.policy_turn() for r in state.records])
        if changed
        else Decision(Action.NONE)
    )
    trace = Trace(reading.move.value, found.verdict, found.hits, mood, decision)
    reply = respond(ctx, engines, state, voice, found, decision, trace, offered=offered)
    topics = crisis.topics_of(ctx, found, engines.keyword_topics)
    this = len(state.records) - 1  # the policy's index of this message
    angry = any(r.signal == "anger" and r.message == this for r in decision.reasons)
    reply = crisis.with_statement(
        replace(reply, topics=topics, angry=angry and record is not None),
        crisis.matched(ctx, topics),
        voice,
        default_language=engines.default_language,
    )
    pending = ctx.state.pending
    if reading.move is Move.CHOICE and pending is not None and reading.entry in pending.choices:
        learned = Learned(pending.text, pending.language, str(reading.entry))
        return replace(reply, learned=learned)
    return reply


def _doubted(ctx: TurnContext, engines: TurnEngines, language: str | None) -> bool:
    """Rasa alone, on typed text, read a request for a person that may be a question.

    Rasa's classifier is sure of real requests ("agent please", "ممكن أتكلم مع موظف؟");
    a question that merely sounds like one ("does it expire? she's terrible at using
    these lol") reads lower, or is one the FAQ answers confidently. Such a message gets
    its answer and an offer of a person instead of a handoff.
    """
    if ctx.intent != "request_human" or ctx.clicked:
        return False
    if ctx.confidence < engines.policy.request_confidence:
        return True
    return engines.faq.ask(ctx.text, language=language).decision.outcome is FaqVerdict.ANSWER


def _mood(ctx: TurnContext, engines: TurnEngines, state: ConversationState) -> Mood:
    if ctx.clicked or not ctx.text.strip():
        return Mood()
    earlier = [record.text for record in state.records if record.text]
    return engines.mood.read(ctx.text, history=earlier)


def _returned(ctx: TurnContext, state: ConversationState, voice: Voice) -> TurnReply:
    """An agent gave the conversation back: say so, and ask for a rating once."""
    said = voice.say("utter_handoff_back", "returned")
    fresh = replace(state, records=(), pending=None, csat_ticket=None)
    closed = ctx.closed_ticket
    if closed is not None and not closed.rated:
        said += voice.say("utter_csat_ask", "csat", buttons=voice.rating_buttons())
        fresh = replace(fresh, csat_ticket=closed.id)
    return TurnReply(tuple(said), fresh, voice.language, trace=Trace("returned"))
