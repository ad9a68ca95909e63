"""``escalation.yml``: the thresholds and topics of the escalation policy, validated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.handoff.policy import EscalationPolicy


class EscalationConfigError(ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.problems = problems


def load_policy(path: Path) -> EscalationPolicy:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EscalationConfigError(str(path), [f"cannot read: {error}"]) from error
    return parse_policy(data, source=str(path))


def parse_policy(data: Any, *, source: str = "escalation.yml") -> EscalationPolicy:
    """Every problem is named with its field."""
    if not isinstance(data, dict):
        raise EscalationConfigError(source, ["must be a mapping"])
    problems: list[str] = []
    anger = data.get("anger") or {}
    offer = _probability(anger, "offer", problems, where="anger.")
    handoff = _probability(anger, "handoff", problems, where="anger.")
    if offer is not None and handoff is not None and handoff < offer:
        problems.append("anger.handoff: must not be below anger.offer")
    sustained = _count(anger, "sustained", problems, where="anger.")
    window = _count(anger, "window", problems, where="anger.")
    if sustained is not None and window is not None and sustained > window:
        problems.append("anger.sustained: cannot exceed anger.window")
    failed = _count(data, "failed_turns", problems)
    offered = (
        _count(data, "failed_turns_offer", problems) if "failed_turns_offer" in data else failed
    )
    if failed is not None and offered is not None and offered > failed:
        problems.append("failed_turns_offer: must not exceed failed_turns")
    # Optional (files written before these signals existed keep working).
    complaint = _probability(
        data.get("complaint") or {"offer": 0.5}, "offer", problems, where="complaint."
    )
    repeat = _probability(data.get("repeat") or {"offer": 0.85}, "offer", problems, where="repeat.")
    request = _probability(
        {"request_confidence": 0.99, **data}, "request_confidence", problems, where=""
    )
    topics = data.get("sensitive_topics") or {}
    if not isinstance(topics, dict):
        problems.append("sensitive_topics: must map topics to languages to phrases")
        topics = {}
    for topic, by_language in topics.items():
        if not isinstance(by_language, dict):
            problems.append(f"sensitive_topics.{topic}: must map languages to phrase lists")
            continue
        for language, phrases in by_language.items():
            if not isinstance(phrases, list) or not all(
                isinstance(p, str) and p.strip() for p in phrases
            ):
                problems.append(f"sensitive_topics.{topic}.{language}: must be a list of phrases")
    people = data.get("person_phrases") or {}
    if not isinstance(people, dict) or not all(
        isinstance(phrases, list) and all(isinstance(p, str) and p.strip() for p in phrases)
        for phrases in people.values()
    ):
        problems.append("person_phrases: must map languages to lists of phrases")
        people = {}
    if problems:
        raise EscalationConfigError(source, problems)
    assert offer is not None and handoff is not None and failed is not None and offered is not None
    assert sustained is not None and window is not None
    assert complaint is not None and repeat is not None and request is not None
    return EscalationPolicy(
        request_confidence=request,
        complaint_offer=complaint,
        repeat_offer=repeat,
        person_phrases={str(lang): [str(p) for p in ps] for lang, ps in people.items()},
        anger_offer=offer,
        anger_handoff=handoff,
        anger_sustained=sustained,
        anger_window=window,
        failed_turns=failed,
        failed_turns_offer=offered,
        sensitive_topics={
            str(t): {str(lang): [str(p) for p in ps] for lang, ps in by.items()}
            for t, by in topics.items()
        },
    )


def _probability(raw: dict[str, Any], key: str, problems: list[str], *, where: str) -> float | None:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        problems.append(f"{where}{key}: must be a probability between 0 and 1")
        return None
    return float(value)


def _count(raw: dict[str, Any], key: str, problems: list[str], *, where: str = "") -> int | None:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"{where}{key}: must be a positive whole number")
        return None
    return value
