"""``frontline eval escalation``: precision, recall and F1 of the anger signal on a labelled file.

The file is a ``text,label`` CSV where ``1`` means the message is angry or should escalate
and ``0`` means it should not. Each row is scored on its own, at the configured threshold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.eval.datasets import read_csv
from bot.handoff.anger import AngerSignal

POSITIVE = "1"
NEGATIVE = "0"


@dataclass(frozen=True)
class EscalationMetrics:
    """How the signal did on one file."""

    precision: float
    recall: float
    f1: float
    threshold: float
    n: int
    positives: int
    true_positives: int
    false_positives: int
    false_negatives: int


def read_escalation_csv(path: Path) -> list[tuple[str, bool]]:
    """The rows of a ``text,label`` file as ``(text, should_escalate)``.

    Raises:
        ValueError: A malformed file, or a label other than 0 or 1 (the message names the row).
    """
    rows = []
    for number, row in enumerate(read_csv(path), start=2):
        if row.label not in (POSITIVE, NEGATIVE):
            raise ValueError(f"{path}, row {number}: the label must be 0 or 1, not {row.label!r}")
        rows.append((row.text, row.label == POSITIVE))
    return rows


def evaluate(signal: AngerSignal, rows: Sequence[tuple[str, bool]]) -> EscalationMetrics:
    """Score every text and compare with its label."""
    scores = signal.score([text for text, _ in rows])
    tp = sum(score.angry and gold for score, (_, gold) in zip(scores, rows))
    fp = sum(score.angry and not gold for score, (_, gold) in zip(scores, rows))
    fn = sum(not score.angry and gold for score, (_, gold) in zip(scores, rows))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return EscalationMetrics(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        threshold=signal.threshold,
        n=len(rows),
        positives=sum(gold for _, gold in rows),
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
    )


def report(metrics: EscalationMetrics, *, json_path: Path | None = None) -> list[str]:
    """The lines to print; also writes ``json_path`` when given."""
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(asdict(metrics), indent=2) + "\n", encoding="utf-8")
    return [
        f"{metrics.n} messages, {metrics.positives} labelled 1, threshold {metrics.threshold:.2f}",
        f"precision {metrics.precision:.4f}",
        f"recall    {metrics.recall:.4f}",
        f"f1        {metrics.f1:.4f}",
    ]
