"""Gap mining benchmark (issue 14): clustering unanswered questions without an LLM.

    uv run python bench/gap_mining.py

Holds 15 BANKING77 intents out of the knowledge base; their queries, mixed with the
answerable queries the matcher would log too, are the "unanswered" log that
:func:`bot.insight.gaps.mine_gaps` clusters (``bench/gapkit/logs.py`` says exactly how).
Reports purity, adjusted Rand index, coverage and recovered intents, then the share of
intents whose two languages land in one cluster when half the queries are Arabic
(ArBanking77) or another xSID language. HDBSCAN's parameters are chosen on a calibration
split (15 other held-out intents, BANKING77 train and ArBanking77 validation queries)
and reported on the test split, beside two baselines run on the same logs: exact-text
grouping (``frontline faq gaps`` today) and average-linkage clustering at a cosine
distance chosen on calibration too.

Writes ``reports/gap-mining.{md,json,png}``. Vectors are cached in
``var/bench-embeddings.sqlite3``; datasets are read from ``../shared/datasets``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.gapkit.encoding import bench_encoder
from bench.gapkit.evaluate import (
    LINKAGE_THRESHOLDS,
    default_grid,
    exact_text_labels,
    linkage_labels,
    objective,
    product_labels,
    scores,
    search,
)
from bench.gapkit.logs import Log, banking_split, held_out_intents, xsid_logs
from bench.gapkit.report import write_report
from bot.eval.faq import limit_threads, threads
from bot.insight.gaps import GapSettings
from bot.settings import PROJECT_ROOT, Settings

COMMAND = "uv run python bench/gap_mining.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    limit_threads()
    started = time.perf_counter()
    settings = Settings()
    root = Path(settings.datasets_dir)
    encoder = bench_encoder(settings.encoder, PROJECT_ROOT / "var" / "bench-embeddings.sqlite3")
    held = held_out_intents(root, args.seed)
    with threads(2):
        splits = {
            name: banking_split(
                name,
                root,
                held[name],
                encoder=encoder,
                scoring=settings.faq_scoring,
                seed=args.seed,
            )
            for name in ("calibration", "test")
        }
        calibration_logs = [splits["calibration"].english, splits["calibration"].arabic]
        vectors = {log.name: encoder.encode_queries(log.texts) for log in calibration_logs}
    calib = [(log, vectors[log.name]) for log in calibration_logs]
    chosen, tried = search(calib, splits["calibration"].index, default_grid())
    print(f"chosen on calibration: {chosen}", flush=True)
    smallest_of = chosen.smallest
    linkage_scores = {
        t: sum(
            objective(scores(log, linkage_labels(v, t, smallest_of(len(log))))) for log, v in calib
        )
        for t in LINKAGE_THRESHOLDS
    }
    threshold = max(linkage_scores, key=lambda t: linkage_scores[t])
    with threads(2):
        _, candidates = product_labels(
            splits["calibration"].english,
            encoder=encoder,
            index=splits["calibration"].index,
            settings=GapSettings(clusters=chosen, variant_similarity=0.0),
        )
    variant_similarity = variant_threshold(candidates)
    print(f"variant similarity chosen on calibration: {variant_similarity}", flush=True)
    gap_settings = GapSettings(clusters=chosen, variant_similarity=variant_similarity)
    test = splits["test"]
    logs: list[Log] = [test.english, test.arabic, *xsid_logs(root, "test")]
    results: dict[str, Any] = {}
    nearest: list[dict[str, Any]] = []
    with threads(2):
        for log in logs:
            labels, found = product_labels(
                log, encoder=encoder, index=test.index, settings=gap_settings
            )
            if log is test.english:
                nearest = found
            vectors_of_log = encoder.encode_queries(log.texts)
            results[log.name] = {
                "hdbscan": scores(log, labels),
                "exact_text": scores(log, exact_text_labels(log, smallest_of(len(log)))),
                "linkage": scores(
                    log, linkage_labels(vectors_of_log, threshold, smallest_of(len(log)))
                ),
            }
            print(log.name, {k: _brief(v) for k, v in results[log.name].items()}, flush=True)
    calibration_results = {
        log.name: scores(log, labels_for(log, v, chosen, splits)) for log, v in calib
    }
    figures = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": COMMAND,
        "seed": args.seed,
        "encoder": settings.encoder,
        "held_out": held,
        "answered_right_share": {n: round(s.answered_share, 4) for n, s in splits.items()},
        "chosen": dataclasses.asdict(chosen),
        "linkage_threshold": threshold,
        "variant_similarity": variant_similarity,
        "calibration": calibration_results,
        "search": tried,
        "test": results,
        "nearest_entry": nearest,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gap-mining.json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    for line in write_report(figures, args.out):
        print(line)
    return 0


def variant_threshold(found: list[dict[str, Any]]) -> float:
    """The similarity above which a cluster is shown as a missing variant: the one that
    labels the most calibration clusters right (held out: a new entry; answerable: a
    variant of its own entry)."""
    values = sorted({round(c["similarity"], 4) for c in found} | {1.0})

    def right(level: float) -> int:
        return sum(
            (c["similarity"] < level)
            if c["held_out"]
            else (c["similarity"] >= level and c["nearest"] == c["intent"])
            for c in found
        )

    return max(values, key=lambda level: (right(level), level))


def labels_for(log: Log, vectors: Any, chosen: Any, splits: Any) -> list[int]:
    from bench.gapkit.evaluate import hdbscan_labels

    return hdbscan_labels(log, vectors, chosen, splits["calibration"].index)


def _brief(result: dict[str, Any]) -> dict[str, Any]:
    keys = ("purity", "ari", "coverage", "recovered", "cross_language")
    return {k: result[k] for k in keys if k in result}


if __name__ == "__main__":
    sys.exit(main())
