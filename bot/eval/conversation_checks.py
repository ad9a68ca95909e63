"""The rules a customer would call fair, checked on every turn of a replayed conversation.

A break is one of: a handoff or after-hours notice before the answer, a pause while the
bot's own buttons are open, an offer of a person once a ticket exists or twice in a row,
a click that gets no answer, and anything a script's ``expect`` demands that did not
happen. Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.eval.conversations import TurnLog

FIRST = ("answer", "clarify", "no_answer", "none_chosen", "chat", "gone", "language", "csat")
MIDDLE = ("offer", "handoff", "queued", "with_team")
PERSON_PAYLOAD = "/request_human"


def problems_of(
    turn: TurnLog, offered_before: bool, had_ticket: bool, *, expect: bool = True
) -> list[str]:
    """The rules ``turn`` broke, and (``expect``) its unmet expectations."""
    reply = turn.reply
    if reply is None:
        return []
    kinds = turn.kinds
    problems = []
    rank = [0 if k in FIRST else 1 if k in MIDDLE else 2 for k in kinds if k != "returned"]
    if rank != sorted(rank):
        problems.append(f"order: {kinds}")
    if reply.pause and any(m.buttons for m in reply.messages):
        problems.append("paused with the bot's own buttons open")
    if turn.offered and had_ticket:
        problems.append("offered a person although a ticket exists")
    if turn.offered and offered_before and "handoff" not in kinds and "queued" not in kinds:
        problems.append("offered a person twice in a row")
    if turn.sent.startswith("/") and not reply.messages:
        problems.append("dead click: no answer")
    return problems + (_expectations(turn) if expect else [])


def _expectations(turn: TurnLog) -> list[str]:
    kinds = set(turn.kinds)
    has = {
        "answer": "answer" in kinds,
        "clarify": "clarify" in kinds,
        "no_answer": "no_answer" in kinds,
        "offer": turn.offered,
        "no_offer": not turn.offered,
        "handoff": "handoff" in kinds,
        "queued": "queued" in kinds,
        "after_hours": "after_hours" in kinds,
        "no_after_hours": "after_hours" not in kinds,
        "silent": not kinds,
        "already_with_team": bool(kinds & {"with_team"})
        or any("already" in m.text for m in (turn.reply.messages if turn.reply else ())),
        "apology": "offer" in kinds or "no_answer" in kinds or "none_chosen" in kinds,
        "buttons_disabled": bool(turn.reply and turn.reply.disable_buttons),
    }
    return [f"expected {token}" for token in turn.step.expect if not has[token]]
