"""Crisis mode in a turn: the approved statement, once per conversation, before the answer.

While an incident is live (declared by an agent and its holding statement approved),
a customer whose message is about its topic gets the statement first, in their
language and in the crisis voice, then the offer to be told when it is resolved,
then whatever the turn would have said anyway. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from bot.turn.context import LiveIncident, TurnContext
from bot.turn.outcome import Found
from bot.turn.reply import Trace, TurnReply
from bot.turn.state import ConversationState
from bot.turn.voice import Voice

NOTIFY_INTENT = "incident_notify"
#: Topics of a message beyond its FAQ entry: the operator's keyword sets.
KeywordTopics = Callable[[str], tuple[str, ...]]


def topics_of(ctx: TurnContext, found: Found, keywords: KeywordTopics | None) -> tuple[str, ...]:
    """What a typed message is about, as topic keys: the FAQ entry it was answered with
    (or most likely meant, for a clarification) and the operator's keyword sets."""
    if ctx.clicked:
        return ()  # a click repeats what was asked; it is not a new message about it
    topics: list[str] = []
    if found.verdict in ("answer", "clarify") and found.hits:
        topics.append(f"faq:{found.hits[0].entry_id}")
    if keywords is not None:
        topics.extend(keywords(ctx.text))
    return tuple(dict.fromkeys(topics))


def matched(ctx: TurnContext, topics: tuple[str, ...]) -> list[LiveIncident]:
    """The live incidents the customer's message is about."""
    return [incident for incident in ctx.incidents if incident.topic in topics]


def with_statement(
    reply: TurnReply, incidents: list[LiveIncident], voice: Voice, *, default_language: str
) -> TurnReply:
    """``reply`` with the statements not given yet put first, and the offer to notify."""
    if not incidents:
        return reply
    matched_ids = tuple(i.id for i in incidents)
    fresh = [i for i in incidents if not i.told]
    if not fresh:
        return replace(reply, incidents_matched=matched_ids)
    said = []
    for incident in fresh:
        statement = (
            incident.statement.get(voice.language)
            or incident.statement.get(default_language)
            or next(iter(incident.statement.values()), "")
        )
        said += voice.crisis(statement, "incident")
    payload = f"/{NOTIFY_INTENT}" + json.dumps({"incident_id": fresh[0].id})
    button = voice.crisis_button("utter_button_crisis_notify", payload)
    said += voice.crisis_say("utter_crisis_notify_offer", "incident_offer", buttons=(button,))
    return replace(
        reply,
        messages=(*said, *reply.messages),
        incidents_told=tuple(i.id for i in fresh),
        incidents_matched=matched_ids,
    )


def subscribed(ctx: TurnContext, state: ConversationState, voice: Voice) -> TurnReply:
    """The customer clicked "notify me": thank them; the adapter records the wish."""
    incident = str(ctx.entities.get("incident_id") or "")
    said = voice.crisis_say("utter_crisis_notify_ok", "incident_subscribed")
    return TurnReply(
        tuple(said), state, voice.language, subscribe=incident or None, trace=Trace("notify")
    )
