"""``frontline faq try``: exactly what a customer would get for a message, on a channel.

It runs the same turn function (:func:`bot.turn.take_turn`) with the same engines as the
action server, so a preview cannot drift from what customers get. Only Rasa's intent
classification is left out: the message is a question unless ``intent`` says otherwise.
Under the messages it shows how the turn decided: the FAQ's scores and margin, the mood
and the escalation verdict.
"""

from __future__ import annotations

from datetime import datetime

from bot.runtime import build_engines
from bot.settings import Settings
from bot.tone.renderer import to_dialect
from bot.turn.context import TurnContext
from bot.turn.reply import TurnReply
from bot.turn.turn import take_turn


def preview(
    settings: Settings,
    message: str,
    *,
    channel: str,
    locale: str | None,
    at: datetime,
    intent: str = "nlu_fallback",
    confidence: float = 1.0,
) -> list[str]:
    """Lines to print: each message and its buttons, then how the turn decided."""
    engines = build_engines(settings, watch=False)
    ctx = TurnContext(
        sender_id="preview",
        text=message,
        intent=intent,
        confidence=confidence,
        channel=channel,
        now=at,
        metadata={"platform": channel, **({"locale_hint": locale} if locale else {})},
        first_of_session=True,
    )
    reply = take_turn(ctx, engines=engines)
    profile = engines.texts.profile(channel, reply.language)
    lines = [
        f"# {channel} ({profile.name} profile: {profile.formality}, "
        f"{'emoji' if profile.emoji else 'no emoji'}, {profile.markup}), language {reply.language}"
    ]
    for index, said in enumerate(reply.messages, 1):
        lines.append(f"--- message {index} of {len(reply.messages)} ({said.kind})")
        lines.append(to_dialect(said.text, profile.markup))
        lines += [f"[ {button['title']} ]" for button in said.buttons]
    return lines + decision_lines(reply, getattr(engines.faq, "thresholds", None))


def decision_lines(reply: TurnReply, thresholds: object) -> list[str]:
    """How the turn decided, for an editor: scores, margin, mood and the escalation verdict."""
    trace = reply.trace
    lines = ["", f"# decision: {trace.move}" + (f", FAQ {trace.outcome}" if trace.outcome else "")]
    hits = list(trace.hits)
    lines.append(f"# thresholds: {thresholds}")
    if len(hits) > 1:
        lines.append(f"# margin {hits[0].score - hits[1].score:.3f}")
    for hit in hits:
        lines.append(
            f"#   {hit.entry_id:<28} score {hit.score:.3f}  cosine {hit.similarity:.3f}  "
            f"via [{hit.language}] {hit.matched!r}"
        )
    if trace.mood is not None:
        mood = trace.mood
        lines.append(
            f"# mood: anger {mood.anger:.2f}, complaint {mood.complaint:.2f}, "
            f"repeat {mood.repeat:.2f}"
        )
    if trace.decision is not None:
        reasons = "; ".join(f"{r.signal}: {r.evidence}" for r in trace.decision.reasons)
        verdict = trace.decision.action.value
        lines.append(f"# escalation: {verdict}" + (f" ({reasons})" if reasons else ""))
    if reply.pause:
        lines.append("# the conversation pauses: a person answers next")
    return lines
