"""How much one round of learning from clicks raises the direct-answer rate.

    uv run python bench/click_learning.py

The demo knowledge base calibrates itself; the calibration split's customers
(``bench/demo-queries-calibration.csv``) then ask their questions. Each one the bot asks
back about, with the right entry among the choices, clicks it, and the pair is accepted as
a variant (as ``frontline faq learn --accept --write`` would). The knowledge base
recalibrates, and the test split (``bench/demo-queries-test.csv``, never seen before) is
asked before and after. Writes ``reports/click-learning.md``.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime, timezone

from bot.eval.datasets import read_csv
from bot.faq.index import build_index
from bot.faq.loader import load_knowledge_base
from bot.faq.matcher import Outcome, decide
from bot.faq.schema import KnowledgeBase
from bot.runtime import build_encoders, calibrator_for
from bot.settings import PROJECT_ROOT, Settings

BENCH = PROJECT_ROOT / "bench"


def main() -> int:
    settings = Settings()
    encoder, _ = build_encoders(settings)
    calibrator = calibrator_for(settings, encoder)
    kb = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
    calibration = read_csv(BENCH / "demo-queries-calibration.csv")
    test = read_csv(BENCH / "demo-queries-test.csv")

    def engine(base: KnowledgeBase):  # type: ignore[no-untyped-def]
        index = build_index(base, encoder=encoder, scoring=settings.faq_scoring)
        found = calibrator(index)
        assert found is not None
        return index, found.thresholds

    def ask(index, thresholds, rows):  # type: ignore[no-untyped-def]
        vectors = encoder.encode_queries([row.text for row in rows])
        return [
            decide(index.search(v, 3, text=row.text), thresholds)
            for row, v in zip(rows, vectors, strict=True)
        ]

    def score(decisions, rows) -> dict[str, float]:  # type: ignore[no-untyped-def]
        in_scope = [(d, r) for d, r in zip(decisions, rows, strict=True) if r.label in kb]
        answered = [
            (d, r) for d, r in zip(decisions, rows, strict=True) if d.outcome is Outcome.ANSWER
        ]
        right = sum(d.best.entry_id == r.label for d, r in answered if d.best)
        direct = sum(
            d.outcome is Outcome.ANSWER and d.best.entry_id == r.label for d, r in in_scope
        )
        return {
            "direct_answer_rate": direct / len(in_scope),
            "answered_precision": right / len(answered) if answered else 0.0,
            "clarified": sum(d.outcome is Outcome.CLARIFY for d, _ in in_scope) / len(in_scope),
        }

    index, thresholds = engine(kb)
    before = score(ask(index, thresholds, test), test)
    learned = []
    for decision, row in zip(ask(index, thresholds, calibration), calibration, strict=True):
        if decision.outcome is Outcome.CLARIFY and row.label in {h.entry_id for h in decision.hits}:
            learned.append(row)
    entries = dict(kb.entries)
    for row in learned:
        entry = entries[row.label]
        language = "en"  # the variant's language is only a label for editors here
        variants = {**entry.variants, language: (*entry.variants.get(language, ()), row.text)}
        entries[row.label] = replace(entry, variants=variants)
    index, thresholds = engine(KnowledgeBase(entries))
    after = score(ask(index, thresholds, test), test)
    lines = [
        "# One round of learning from clicks",
        "",
        "Command: `uv run python bench/click_learning.py` "
        f"({datetime.now(timezone.utc).isoformat(timespec='seconds')}, "
        f"encoder `{settings.encoder}`).",
        "",
        f"{len(calibration)} calibration-split customers asked; {len(learned)} got a question "
        "back with the right entry among the choices, clicked it, and the pair became a "
        f"variant. The test split ({len(test)} messages, never used for learning or "
        "thresholds) before and after:",
        "",
        "| | direct-answer rate | answered precision | clarified |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {row['direct_answer_rate']:.1%} | {row['answered_precision']:.1%} | "
            f"{row['clarified']:.1%} |"
            for name, row in (("before", before), ("after one round", after))
        ),
    ]
    (PROJECT_ROOT / "reports" / "click-learning.md").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
