"""Figures of a conversation benchmark, per language and in total, and their report.

Automated resolution, correct, false and missed handoffs, the clarification rate,
answers and offers, and every broken rule with the conversation it happened in. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.eval.conversations import ConversationLog, TurnLog

HANDOFF_KINDS = ("handoff", "queued", "with_team")


@dataclass
class Tally:
    conversations: int = 0
    resolvable: int = 0  # no person warranted
    resolved: int = 0
    warranted: int = 0
    correct_handoffs: int = 0
    false_handoffs: int = 0
    missed_handoffs: int = 0
    faq_turns: int = 0
    clarified: int = 0
    wanted_answers: int = 0
    answered: int = 0
    wanted_offers: int = 0
    offers_made: int = 0
    unasked_offers: int = 0
    calm_turns: int = 0
    rule_breaks: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "automated_resolution": _rate(self.resolved, self.resolvable),
            "correct_handoff_rate": _rate(self.correct_handoffs, self.warranted),
            "false_handoff_rate": _rate(self.false_handoffs, self.resolvable),
            "missed_handoff_rate": _rate(self.missed_handoffs, self.warranted),
            "clarification_rate": _rate(self.clarified, self.faq_turns),
            "answer_rate": _rate(self.answered, self.wanted_answers),
            "offer_recall": _rate(self.offers_made, self.wanted_offers),
            "false_offer_rate": _rate(self.unasked_offers, self.calm_turns),
            "rule_breaks": self.rule_breaks,
            "counts": {
                "resolvable": self.resolvable,
                "warranted": self.warranted,
                "false_handoffs": self.false_handoffs,
                "missed_handoffs": self.missed_handoffs,
                "faq_turns": self.faq_turns,
            },
        }


def score(logs: Sequence[ConversationLog]) -> dict[str, Any]:
    """Figures per language and ``all``, and the problems found."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for log in logs:
        for key in ("all", log.script.language):
            _add(tallies.setdefault(key, Tally()), log)
    return {
        "figures": {key: tally.figures() for key, tally in sorted(tallies.items())},
        "problems": tallies["all"].problems,
    }


def _add(tally: Tally, log: ConversationLog) -> None:
    tally.conversations += 1
    customer = [t for t in log.turns if t.step.kind != "agent"]
    warranted = _warranted(customer)
    if warranted:
        tally.warranted += 1
        tally.correct_handoffs += log.handed_off
        tally.missed_handoffs += not log.handed_off
        if not log.handed_off:
            tally.problems.append(f"{log.script.id}: expected a handoff, none happened")
    else:
        tally.resolvable += 1
        tally.false_handoffs += log.handed_off
        if log.handed_off:
            tally.problems.append(f"{log.script.id}: expected no handoff, the bot handed off")
    delivered = True
    for turn in customer:
        if turn.auto:
            continue
        want = turn.step.want
        outcome = _with_click(turn, customer)
        if want not in (None, "none", "chat", "person", "sensitive", "silent"):
            tally.faq_turns += 1
            tally.wanted_answers += 1
            tally.clarified += "clarify" in turn.kinds
            got = want in outcome.entries
            tally.answered += got
            delivered &= got
        elif want == "none":
            tally.faq_turns += 1
            tally.clarified += "clarify" in turn.kinds
            delivered &= not outcome.entries
        if turn.step.offer:
            tally.wanted_offers += 1
            tally.offers_made += turn.offered or bool(set(turn.kinds) & set(HANDOFF_KINDS))
        elif want not in ("none", "person", "sensitive") and turn.reply is not None:
            tally.calm_turns += 1
            tally.unasked_offers += "offer" in turn.kinds
    tally.resolved += (not warranted) and (not log.handed_off) and delivered
    for turn in log.turns:
        for problem in turn.problems:
            tally.rule_breaks += not problem.startswith("expected")
            tally.problems.append(f"{log.script.id}: '{turn.sent[:60]}': {problem}")


@dataclass
class _Outcome:
    entries: list[str]


def _with_click(turn: TurnLog, turns: list[TurnLog]) -> _Outcome:
    """The turn's answers, with those of the simulated click that followed it."""
    entries = list(turn.entries)
    index = turns.index(turn)
    if index + 1 < len(turns) and turns[index + 1].auto:
        entries += turns[index + 1].entries
    return _Outcome(entries)


def _warranted(turns: list[TurnLog]) -> bool:
    """A person was warranted: asked for, a sensitive topic, strong anger, or three misses
    in a row (after two the bot offers a person, and the customer decides)."""
    wants = [t.step.want for t in turns if not t.auto]
    if any(w in ("person", "sensitive") for w in wants):
        return True
    if any(t.step.handoff for t in turns):
        return True
    faq = [w for w in wants if w not in (None, "chat", "silent")]
    return any(faq[i : i + 3] == ["none"] * 3 for i in range(len(faq) - 2))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def markdown(result: dict[str, Any], *, command: str, date: str, runtime: float) -> str:
    figures = result["figures"]
    lines = [
        "# Scripted conversations",
        "",
        f"Command: `{command}` ({date}, {runtime:.0f} s). The pure turn function with the "
        "real encoder and knowledge base, the trained Rasa NLU, a frozen clock (open: "
        "Monday 11:00 Berlin; closed: Sunday 22:30); see `bench/conversations/README.md`.",
        "",
        "| language | conversations | automated resolution | correct handoffs | false "
        "handoffs | missed handoffs | clarification rate | answers | offers when due | "
        "unasked offers | rule breaks |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, row in figures.items():
        lines.append(
            f"| {key} | {row['conversations']} | {_pct(row['automated_resolution'])} | "
            f"{_pct(row['correct_handoff_rate'])} | {_pct(row['false_handoff_rate'])} | "
            f"{_pct(row['missed_handoff_rate'])} | {_pct(row['clarification_rate'])} | "
            f"{_pct(row['answer_rate'])} | {_pct(row['offer_recall'])} | "
            f"{_pct(row['false_offer_rate'])} | {row['rule_breaks']} |"
        )
    lines += [
        "",
        "Rates: automated resolution and false handoffs over conversations that needed no "
        "person; correct and missed handoffs over those that did; clarifications over FAQ "
        "turns; answers over turns that wanted an entry (directly or by a click); offers "
        "over messages flagged angry or a complaint; unasked offers over the other turns.",
        "",
        f"## Problems ({len(result['problems'])})",
        "",
    ]
    lines += [f"- {problem}" for problem in result["problems"]] or ["None."]
    return "\n".join(lines) + "\n"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"
