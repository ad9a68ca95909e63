"""Surge detection benchmark (issue 15): synthetic weeks of traffic with injected incidents.

    nice -n 10 uv run python bench/surge.py [--per-day 12000] [--seed 1]
        [--calibration-seed 101] [--quick]

Traffic comes from public query sets (:mod:`bench.surgekit.traffic`): 4 weeks of warm-up
for the baseline, then 8 scored weeks. Three kinds of trace, each its own seed:

- the reported trace (``--seed``), with 20 injected surges of 3x to 20x
  (:mod:`bench.surgekit.surges`);
- the clean trace (``--seed`` + 1), the same traffic model with no injection: the
  false-alarm figure;
- the calibration traces (``--calibration-seed`` and + 1), where the thresholds are
  chosen (:mod:`bench.surgekit.calibrate`). The reported trace never chooses anything.

Topics are assigned exactly as ``frontline eval surge`` does (the real FAQ matcher on a
BANKING77 knowledge base, keyword sets, the anger signal), and the naive fixed-threshold
detector runs on the same topics in the same replay. Writes ``reports/surge.md``,
``surge.json`` and ``surge-*.png``; the reported trace, the clean trace, the knowledge
base and the chosen ``crisis.yml`` go to ``reports/tmp/surge/`` for ``frontline eval surge``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.surgekit import calibrate, plots, report  # noqa: E402
from bench.surgekit.surges import Surge, inject, plan  # noqa: E402
from bench.surgekit.traffic import Pools, Traffic, base_rows, load_pools, popularity  # noqa: E402
from bot.crisis.rules import SurgeRules  # noqa: E402
from bot.crisis.topics import KeywordSet, KeywordTopics  # noqa: E402
from bot.eval.datasets import write_csv  # noqa: E402
from bot.eval.surge import fired_of, incidents_of, lookup, replay, score  # noqa: E402
from bot.eval.surge_trace import TraceRow, write_trace  # noqa: E402
from bot.settings import PROJECT_ROOT, get_settings  # noqa: E402

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
WARMUP_WEEKS = 4
SCORED_WEEKS = 8
KEYWORD_SETS = (
    KeywordSet(
        "card-declined",
        {"en": ["declin*", "reject*", "denied", "refus*"], "ar": ["*رفض*", "*مرفوض*"]},
        "Payments or transfers declined",
    ),
    KeywordSet("app-trouble", {"en": ["app", "apps", "application"], "ar": ["*تطبيق*"]}, "The app"),
    KeywordSet("fees", {"en": ["fee*", "charge", "charges", "charged"], "ar": ["*رسوم*"]}, "Fees"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-day", type=float, default=12000, help="messages a day on average")
    parser.add_argument("--seed", type=int, default=1, help="seed of the reported traces")
    parser.add_argument("--calibration-seed", type=int, default=101)
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of the volume; the report goes to --work"
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "reports" / "tmp" / "surge")
    args = parser.parse_args(argv)
    per_day = args.per_day / 10 if args.quick else args.per_day
    began = time.perf_counter()
    settings = get_settings()
    pools = load_pools(settings.datasets_dir)
    args.work.mkdir(parents=True, exist_ok=True)
    write_csv(args.work / "kb.csv", pools.kb)
    keywords = KeywordTopics(sets=KEYWORD_SETS)
    table, angry = _assign(pools, keywords, args.work / "kb.csv", settings)
    topics_of = lookup(table)

    def angry_of(text: str) -> bool:
        return angry.get(text, False)

    def trace(seed: int, surged: bool) -> tuple[list[TraceRow], list[Surge]]:
        traffic = Traffic(START, WARMUP_WEEKS + SCORED_WEEKS, per_day, _shares(pools, seed), seed)
        rows = base_rows(traffic, pools)
        surges: list[Surge] = []
        if surged:
            ids = [item.id for item in KEYWORD_SETS]
            extra, surges = inject(
                traffic, pools, plan(traffic, ids, warmup_weeks=WARMUP_WEEKS), keywords
            )
            rows += extra
        rows.sort(key=lambda row: row.at)
        print(f"trace seed {seed}: {len(rows)} rows ({time.perf_counter() - began:.0f} s)")
        return rows, surges

    base = SurgeRules(timezone="UTC")
    cal_surged, cal_surges = trace(args.calibration_seed, True)
    cal_clean, _ = trace(args.calibration_seed + 1, False)
    rules, trials = calibrate.choose_rules(
        base,
        clean=cal_clean,
        surged=cal_surged,
        surges=cal_surges,
        topics_of=topics_of,
        angry_of=angry_of,
    )
    naive_threshold, naive_cal_fa = calibrate.choose_naive(
        rules, clean=cal_clean, topics_of=topics_of
    )
    print(f"chosen: z={rules.z} min_count={rules.min_count}; naive >= {naive_threshold}")
    del cal_surged, cal_clean

    rows, surges = trace(args.seed, True)
    write_trace(args.work / "trace.csv", rows)
    _write_config(args.work / "crisis.yml", rules)
    ours, naive, loud = _run(rows, rules, naive_threshold, topics_of, angry_of)
    clean_rows, _ = trace(args.seed + 1, False)
    write_trace(args.work / "clean.csv", clean_rows)
    clean_ours, clean_naive, quiet = _run(clean_rows, rules, naive_threshold, topics_of, angry_of)
    ours["alert_reasons"] = _reasons(loud)
    clean_ours["alert_reasons"] = _reasons(quiet)
    results: dict[str, Any] = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "per_day": per_day,
        "seeds": {
            "reported": args.seed,
            "clean": args.seed + 1,
            "calibration": args.calibration_seed,
        },
        "rules": asdict(rules),
        "naive_threshold": naive_threshold,
        "naive_calibration_false_alarms_per_week": naive_cal_fa,
        "calibration": [asdict(trial) for trial in trials],
        "surges": [{**asdict(s), "start": s.start.isoformat()} for s in surges],
        "ours": {"surged": ours, "clean": clean_ours},
        "naive": {"surged": naive, "clean": clean_naive},
        "texts": len(table),
        "rows": {"surged": len(rows), "clean": len(clean_rows)},
        "work": str(args.work),
        "seconds": round(time.perf_counter() - began),
    }
    results["headline"] = report.headline(results)
    print(json.dumps(results["headline"], indent=2))
    if args.quick:  # a smoke run: its report goes next to the trace, not to reports/
        args.out = args.work / "quick-report"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "surge.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    plots.draw(
        results,
        rows=rows,
        clean=clean_rows,
        alerts=loud,
        topics_of=topics_of,
        rules=rules,
        out=args.out,
    )
    (args.out / "surge.md").write_text(report.markdown(results, args.work), encoding="utf-8")
    print(f"wrote {args.out / 'surge.md'} ({time.perf_counter() - began:.0f} s)")
    return 0


def _shares(pools: Pools, seed: int) -> dict[str, float]:
    return popularity(pools.intents, seed=seed)


def _assign(
    pools: Pools, keywords: KeywordTopics, kb: Path, settings: Any
) -> tuple[dict[str, Any], dict[str, bool]]:
    from bot.eval.surge_topics import (
        anger_table,
        faq_topic_table,
        keyword_topic_table,
        merge,
        stored_encoders,
    )
    from bot.faq.cache import EmbeddingCache

    texts = [t for stream in pools.banking.values() for ts in stream.values() for t in ts]
    texts = list(dict.fromkeys([*texts, *(text for text, _ in pools.chatter)]))
    cache = EmbeddingCache(settings.var_dir / "bench-embeddings.sqlite3")
    encoder, parts = stored_encoders(settings.encoder, cache)
    faq = faq_topic_table(texts, kb_path=kb, settings=settings, encoder=encoder)
    angry = anger_table(texts, settings=settings, encoders=parts)
    print(f"{len(texts)} distinct texts: topics and anger assigned")
    return merge(faq, keyword_topic_table(texts, keywords)), angry


def _run(
    rows: list[TraceRow], rules: SurgeRules, threshold: int, topics_of: Any, angry_of: Any
) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    result = replay(
        rows, topics_of=topics_of, angry_of=angry_of, rules=rules, naive_threshold=threshold
    )
    incidents = incidents_of(rows, topics_of)

    def scored(fired: Any) -> dict[str, Any]:
        return score(fired, incidents, armed_from=result.armed_from, last=result.last, rules=rules)

    return scored(fired_of(result.alerts)), scored(result.naive), result.alerts


def _reasons(alerts: list[Any]) -> dict[str, int]:
    return dict(Counter("+".join(alert.reasons) for alert in alerts))


def _write_config(path: Path, rules: SurgeRules) -> None:
    import yaml

    data = {
        "version": 1,
        "surge": asdict(rules),
        "topics": [
            {
                "id": item.id,
                "title": item.title,
                "keywords": {k: list(v) for k, v in item.keywords.items()},
            }
            for item in KEYWORD_SETS
        ],
    }
    header = "# Written by bench/surge.py: thresholds chosen on the calibration traces.\n"
    path.write_text(
        header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
