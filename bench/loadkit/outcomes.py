"""What one customer message got, and the figures of many: latency, throughput, outcomes.

A message's outcome is what the customer saw: an ``answer``, Frontline's ``apology``
("Something went wrong…"), its ``busy`` reply (back-pressure), an ``empty`` reply (a
deduplicated resend, or no text at all), or an ``error`` (no reply: a failed request).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

Outcome = Literal["answer", "apology", "busy", "empty", "error"]
OUTCOMES: tuple[Outcome, ...] = ("answer", "apology", "busy", "empty", "error")


@dataclass
class Sample:
    """One message of one conversation, as its client saw it.

    Attributes:
        conversation: Rasa's sender id.
        text: What was sent.
        started: Seconds from the run's start to the first attempt.
        latency_ms: From the first attempt to the final reply (retries included).
        attempts: Requests made for it (1 when no retry was needed).
    """

    conversation: str
    text: str
    started: float
    latency_ms: float = 0.0
    outcome: Outcome = "error"
    attempts: int = 1
    detail: str = ""
    verdict: str = ""  # in the tracker store: see bench.loadkit.ledger


@lru_cache(maxsize=1)
def _system_texts() -> dict[str, Outcome]:
    """Frontline's busy and apology texts in every language and tone, by text."""
    from bot.channels.texts import system_text
    from bot.settings import get_settings

    texts: dict[str, Outcome] = {}
    for language in get_settings().languages:
        for channel in ("rest", "web"):
            texts[system_text("busy", language, channel=channel)] = "busy"
            texts[system_text("internal_error", language, channel=channel)] = "apology"
    return texts


def classify(texts: list[str]) -> Outcome:
    """The outcome of a reply made of these texts."""
    shown = [text for text in texts if text]
    if not shown:
        return "empty"
    kinds = {_system_texts().get(text.strip(), "answer") for text in shown}
    for kind in ("busy", "apology"):
        if kind in kinds:
            return kind
    return "answer"


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


@dataclass
class Run:
    """One system, transport and concurrency level: its samples and wall time."""

    system: str
    transport: str
    concurrency: int
    samples: list[Sample] = field(default_factory=list)
    elapsed_s: float = 0.0
    ledger: dict[str, Any] = field(default_factory=dict)  # bench.loadkit.ledger.Ledger

    def figures(self) -> dict[str, Any]:
        replied = [s.latency_ms for s in self.samples if s.outcome != "error"]
        counts = {kind: sum(s.outcome == kind for s in self.samples) for kind in OUTCOMES}
        return {
            "messages": len(self.samples),
            "conversations": len({s.conversation for s in self.samples}),
            "p50_ms": round(statistics.median(replied), 1) if replied else 0.0,
            "p95_ms": percentile(replied, 0.95),
            "p99_ms": percentile(replied, 0.99),
            "throughput_per_s": round(len(replied) / self.elapsed_s, 2) if self.elapsed_s else 0.0,
            "errors": counts["error"],
            "empty_replies": counts["empty"],
            "apologies": counts["apology"],
            "busy": counts["busy"],
            "retries": sum(s.attempts - 1 for s in self.samples),
            "error_details": dict(Counter(s.detail for s in self.samples if s.outcome == "error")),
        }
