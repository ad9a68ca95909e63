"""``frontline eval faq``: score the FAQ engine on CSV files, or run the whole benchmark suite.

This module imports nothing heavy at import time: the handler first limits every math library
to one thread (so latencies are single-thread figures) and only then imports numpy and the
models.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.eval.datasets import EvalSet, LabelledText, load, read_csv
from bot.settings import PROJECT_ROOT, get_settings

if TYPE_CHECKING:
    from bot.faq.matcher import Thresholds

log = logging.getLogger(__name__)

_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_INTRA_OP_PARALLELISM_THREADS",
    "TF_INTER_OP_PARALLELISM_THREADS",
)
QUICK_QUERIES = 100
QUICK_K = 3
RASA_TIMEOUT_S = 30 * 60
SUITES = ("faq", "multilingual")


@dataclass(frozen=True)
class SuiteItem:
    """One dataset of the suite.

    Attributes:
        key: Its key in the results.
        title: Its heading in the report.
        loader: The :func:`bot.eval.datasets.load` name.
        kwargs: Loader arguments.
        calibration_source: Where its calibration split comes from, for the report.
        accuracy_target: Also choose a threshold for this in-scope accuracy (CLINC150).
        rasa: Run the ResponseSelector baseline on it by default.
        rasa_epochs: The baseline's epochs (``None``: the default); ``--rasa-epochs`` wins.
    """

    key: str
    title: str
    loader: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    calibration_source: str = "calibration split"
    accuracy_target: float | None = None
    rasa: bool = False
    rasa_epochs: int | None = None


SUITE = (
    SuiteItem(
        "banking77_k10",
        "BANKING77, 10 variants per intent",
        "banking77",
        {"k": 10},
        "3 held-out train rows per intent",
        rasa=True,
    ),
    SuiteItem(
        "banking77_kall",
        "BANKING77, all train variants",
        "banking77",
        {"k": None},
        "3 held-out train rows per intent",
        rasa=True,
        # 13x the examples of k=10 per epoch: 30 epochs still make ~4x the gradient updates of
        # 100 epochs at k=10, and training stays near 15 minutes on two idle cores.
        rasa_epochs=30,
    ),
    SuiteItem(
        "arbanking77",
        "ArBanking77 MSA queries vs English BANKING77 KB",
        "arbanking77",
        {"dialect": "MSA"},
        "the Arabic val split (MSA + PAL mixed)",
    ),
    SuiteItem(
        "stackfaq",
        "StackFAQ, one question per entry (with its answer)",
        "stackfaq",
        {},
        "none: thresholds from the knowledge base itself",
    ),
    SuiteItem(
        "banking77_oos",
        "BANKING77-OOS (50 intents + out-of-scope)",
        "banking77_oos",
        {},
        "the valid splits (in-scope, id-oos, ood-oos)",
    ),
    SuiteItem(
        "clinc150",
        "CLINC150 (full, with out-of-scope)",
        "clinc150",
        {},
        "val + oos_val",
        accuracy_target=0.9,
    ),
)


def add_faq_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``frontline eval faq`` options to ``parser`` and set its handler.

    Args:
        parser: The ``eval faq`` subparser.
    """
    files = parser.add_argument_group("one knowledge base and query file (text,label CSVs)")
    files.add_argument(
        "--kb", type=Path, help="knowledge-base variants CSV, or a FAQ folder such as data/faq"
    )
    files.add_argument(
        "--kb-languages",
        help="with a FAQ folder: keep only these languages' phrasings (comma-separated, e.g. en)",
    )
    files.add_argument("--queries", type=Path, help="queries CSV; label 'oos' = out of scope")
    files.add_argument("--json", type=Path, dest="json_out", help="write the results here")
    files.add_argument(
        "--calibration",
        type=Path,
        help="held-out CSV for choosing thresholds (never the test queries)",
    )
    files.add_argument(
        "--with-rasa",
        action="store_true",
        help="also train and score Rasa's ResponseSelector on the same files",
    )
    suite = parser.add_argument_group("the benchmark suite")
    suite.add_argument(
        "--suite",
        nargs="?",
        const="faq",
        choices=SUITES,
        help="run a benchmark suite: 'faq' (the default: every public benchmark, "
        "reports/faq-eval.md) or 'multilingual' (per language, reports/multilingual.md)",
    )
    suite.add_argument(
        "--only", help="comma-separated suite keys to run (default: all), e.g. banking77_k10"
    )
    suite.add_argument(
        "--tune",
        help="comma-separated suite keys on which to also run `frontline faq tune` and score "
        "the tuned model when its verdict keeps it (e.g. banking77_k10; minutes per key)",
    )
    suite.add_argument(
        "--quick", action="store_true", help="subsample knowledge bases and queries for a smoke run"
    )
    suite.add_argument("--skip-rasa", action="store_true", help="no ResponseSelector baseline")
    suite.add_argument(
        "--rasa-clinc", action="store_true", help="also run the ResponseSelector on CLINC150 (slow)"
    )
    suite.add_argument(
        "--rasa-datasets",
        help="comma-separated suite keys for the ResponseSelector (default for 'faq': "
        "banking77_k10,banking77_kall; for 'multilingual', key prefixes such as xsid, demo_en, "
        "arbanking77_msa_kall; default: xsid, demo_en and the k=10 BANKING77 rows)",
    )
    suite.add_argument(
        "--out",
        type=Path,
        default=PROJECT_ROOT / "reports",
        help="report folder (default: reports/)",
    )
    common = parser.add_argument_group("common options")
    common.add_argument("--encoder", help="encoder spec (default: the encoder setting)")
    common.add_argument(
        "--rasa-epochs", type=int, default=None, help="DIETClassifier/ResponseSelector epochs"
    )
    common.add_argument(
        "--target-precision",
        type=float,
        default=0.9,
        help="answered precision the calibrated threshold must reach",
    )
    common.add_argument(
        "--batch-threads",
        type=int,
        default=2,
        help="threads for untimed batch encoding (timed queries use one)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """The handler: single-file mode, or the suite with ``--suite``.

    Returns:
        The exit code: 0 on success, 2 for a usage error.
    """
    for variable in _THREAD_VARIABLES:
        os.environ[variable] = "1"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.suite == "multilingual":
        from bot.eval.multilingual import run_suite

        return run_suite(args)
    if args.suite:
        return _suite(args)
    if args.kb is None or args.queries is None:
        print("frontline eval faq: give --kb and --queries, or --suite", file=sys.stderr)
        return 2
    return _single(args)


def _single(args: argparse.Namespace) -> int:
    from bot.eval.demo import read_kb
    from bot.eval.faq import evaluate_faq, limit_threads
    from bot.faq.encoders import build_encoder
    from bot.faq.loader import load_knowledge_base

    limit_threads()
    settings = get_settings()
    spec = args.encoder or settings.encoder
    languages = [lang.strip() for lang in (args.kb_languages or "").split(",") if lang.strip()]
    try:
        rows = read_kb(args.kb, languages or None, default_language=settings.default_language)
        kb: Any = rows
        if args.kb.is_dir() and not languages:
            # The folder as the bot serves it: its languages and answers, not just rows.
            kb = load_knowledge_base(args.kb, default_language=settings.default_language)
    except ValueError as error:
        print(f"frontline eval faq: {error}", file=sys.stderr)
        return 2
    queries = read_csv(args.queries)
    calibration = read_csv(args.calibration) if args.calibration else None
    encoder = build_encoder(spec)
    limit_threads()
    result = evaluate_faq(
        kb,
        queries,
        encoder=encoder,
        thresholds=settings.faq_thresholds,
        scoring=settings.faq_scoring,
        calibration=calibration,
        target_precision=args.target_precision,
        batch_threads=args.batch_threads,
    )
    result["encoder_spec"] = spec
    print(summary("Frontline", result))
    if args.with_rasa:
        from bot.eval.rasa_baseline import DEFAULT_EPOCHS, run_response_selector

        with tempfile.TemporaryDirectory(prefix="frontline-rasa-") as workdir:
            rasa = run_response_selector(
                rows,
                queries,
                epochs=args.rasa_epochs or DEFAULT_EPOCHS,
                workdir=Path(workdir),
                calibration=calibration,
                target_precision=args.target_precision,
            )
        result["rasa"] = rasa
        result["ratios"] = ratios(result, rasa)
        print(summary("Rasa ResponseSelector", rasa))
        print(
            "ratios (Frontline / ResponseSelector): "
            + ", ".join(f"{k} {v:.2f}x" for k, v in result["ratios"].items() if v is not None)
        )
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.json_out}")
    return 0


def ratios(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float | None]:
    """Frontline's figure divided by the ResponseSelector's, for the headline metrics."""
    result: dict[str, float | None] = {}
    for key in ("top1", "top3", "mrr", "latency_ms_p50", "latency_ms_p95"):
        mine, other = ours.get(key), theirs.get(key)
        result[key] = mine / other if mine is not None and other else None
    return result


def summary(system: str, result: dict[str, Any]) -> str:
    """A few lines a person can read."""

    def pct(key: str) -> str:
        value = result.get(key)
        return "n/a" if value is None else f"{100 * value:.1f}%"

    lines = [
        f"{system}: {result.get('n_queries')} queries ({result.get('n_oos')} out-of-scope) "
        f"against {result.get('n_kb')} variants",
        f"  top-1 {pct('top1')}  top-3 {pct('top3')}  MRR {result.get('mrr') or 0:.3f}",
        f"  answer rate {pct('answer_rate')}  answered precision {pct('answered_precision')}  "
        f"OOS recall {pct('oos_recall')}",
        f"  latency p50 {result.get('latency_ms_p50')} ms  p95 {result.get('latency_ms_p95')} ms",
    ]
    calibrated = result.get("calibrated")
    if calibrated:
        test, choice = calibrated["test"], calibrated["choice"]
        reached = "" if choice["reached"] else ", NOT reached"
        lines.append(
            f"  calibrated answer threshold {choice['thresholds']['answer']:.3f} "
            f"({choice['criterion']}{reached}): "
            f"answer rate {100 * (test['answer_rate'] or 0):.1f}%, "
            f"answered precision {100 * (test['answered_precision'] or 0):.1f}%"
        )
    return "\n".join(lines)


def subsample(rows: list[LabelledText], size: int, seed: int) -> list[LabelledText]:
    """A fixed random sample of ``size`` rows, in their original order."""
    if len(rows) <= size:
        return rows
    keep = set(random.Random(seed).sample(range(len(rows)), size))
    return [row for i, row in enumerate(rows) if i in keep]


def _load(item: SuiteItem, root: Path, quick: bool) -> EvalSet:
    kwargs = dict(item.kwargs)
    if quick and "k" in kwargs and kwargs["k"] is None:
        kwargs["k"] = QUICK_K
    data = load(item.loader, root, **kwargs)
    if quick:
        data = EvalSet(
            name=data.name + f"[quick:{QUICK_QUERIES}]",
            kb=data.kb,
            queries=subsample(data.queries, QUICK_QUERIES, 1),
            calibration=subsample(data.calibration, QUICK_QUERIES, 2),
            answers=data.answers,
        )
    return data


def run_header(
    args: argparse.Namespace,
    spec: str,
    *,
    encoder: str,
    thresholds: Thresholds | None,
    machine: dict[str, Any],
) -> dict[str, Any]:
    """What every suite report starts with: when, how, which encoder and thresholds."""
    return {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command_line(args, spec),
        "encoder": encoder,
        "encoder_spec": spec,
        "configured_thresholds": (
            {
                "answer": thresholds.answer,
                "margin": thresholds.margin,
                "clarify": thresholds.clarify,
                "max_choices": thresholds.max_choices,
            }
            if thresholds is not None
            else "calibrated on each knowledge base (bot/faq/calibrate.py)"
        ),
        "target_precision": args.target_precision,
        "quick": args.quick,
        "machine": machine,
    }


def command_line(args: argparse.Namespace, spec: str) -> str:
    """The command that reproduces a suite run, for its report."""
    suite = "--suite" if args.suite == "faq" else f"--suite {args.suite}"
    parts = [f"FRONTLINE_ENCODER={spec!r}", f"frontline eval faq {suite}"]
    parts += [
        flag
        for flag, on in (
            ("--quick", args.quick),
            ("--skip-rasa", args.skip_rasa),
            ("--rasa-clinc", args.rasa_clinc),
        )
        if on
    ]
    if args.rasa_epochs:
        parts.append(f"--rasa-epochs {args.rasa_epochs}")
    if args.rasa_datasets:
        parts.append(f"--rasa-datasets {args.rasa_datasets}")
    for flag, value in (
        ("--only", getattr(args, "only", None)),
        ("--tune", getattr(args, "tune", None)),
    ):
        if value:
            parts.append(f"{flag} {value}")
    out = Path(args.out)
    with contextlib.suppress(ValueError):
        out = out.resolve().relative_to(PROJECT_ROOT)
    parts.append(f"--out {out}")
    return " ".join(parts)


def _suite(args: argparse.Namespace) -> int:
    from bot.eval.faq import MemoEncoder, demo_latency, evaluate_faq, limit_threads
    from bot.eval.report import machine_info, write_report
    from bot.faq.encoders import build_encoder
    from bot.faq.loader import load_knowledge_base

    limit_threads()
    started = time.perf_counter()
    settings = get_settings()
    spec = args.encoder or settings.encoder
    machine = machine_info()
    raw = build_encoder(spec)
    limit_threads()
    memo = MemoEncoder(raw)
    thresholds = settings.faq_thresholds
    root = Path(settings.datasets_dir)
    results: dict[str, Any] = {
        **run_header(args, spec, encoder=raw.name, thresholds=thresholds, machine=machine),
        "datasets": {},
        "demo": None,
        "notes": [],
    }

    def save() -> None:
        variants = Path(args.out) / "retrieval-variants.json"  # bench/retrieval_variants.py
        if variants.exists():
            results["retrieval_variants"] = json.loads(variants.read_text(encoding="utf-8"))
        results["elapsed_s"] = round(time.perf_counter() - started, 1)
        results["machine"]["load_average_at_save"] = [round(x, 2) for x in os.getloadavg()]
        write_report(results, Path(args.out))

    kb = load_knowledge_base(settings.faq_dir, default_language=settings.default_language)
    results["demo"] = demo_latency(
        kb,
        encoder=raw,
        thresholds=thresholds or settings.faq_fallback_thresholds,
        scoring=settings.faq_scoring,
        n=50 if args.quick else 200,
    )
    print(
        f"== demo KB latency: p50 {results['demo']['latency_ms_p50']} ms, "
        f"p95 {results['demo']['latency_ms_p95']} ms",
        flush=True,
    )
    save()

    rasa_items: list[SuiteItem] = []
    if args.skip_rasa:
        results["notes"].append("The ResponseSelector baseline was skipped (--skip-rasa).")
    else:
        rasa_items = _rasa_items(args, results["notes"])
        skipped = [item.key for item in SUITE if item not in rasa_items]
        if skipped:
            results["notes"].append(
                "The ResponseSelector baseline was not run on: "
                + ", ".join(skipped)
                + (" (quick run)." if args.quick else " (to keep the suite's run time bounded).")
            )
    wanted = {key.strip() for key in (args.only or "").split(",") if key.strip()}
    unknown = wanted - {item.key for item in SUITE}
    if unknown:
        print(f"ERROR   unknown suite keys: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if wanted:
        results["notes"].append(f"Only {', '.join(sorted(wanted))} (--only).")
    for item in SUITE:
        if wanted and item.key not in wanted:
            continue
        data = _load(item, root, args.quick)
        log.info(
            "%s: %d kb, %d queries, %d calibration",
            data.name,
            len(data.kb),
            len(data.queries),
            len(data.calibration),
        )
        before = memo.encoded
        frontline = evaluate_faq(
            data.kb,
            data.queries,
            encoder=memo,
            timing_encoder=raw,
            thresholds=thresholds,
            scoring=settings.faq_scoring,
            calibration=data.calibration,
            answers=data.answers,
            target_precision=args.target_precision,
            target_accuracy=item.accuracy_target,
            batch_threads=args.batch_threads,
        )
        frontline["texts_embedded"] = memo.encoded - before
        if frontline["texts_embedded"] < len(data.kb):
            frontline["note"] = (
                "Some texts were already embedded for an earlier dataset in this run, so the "
                "index build time here understates a cold build."
            )
        results["datasets"][item.key] = {
            "title": item.title,
            "dataset": data.name,
            "n_calibration": len(data.calibration),
            "calibration_source": item.calibration_source,
            "quick": args.quick,
            "frontline": frontline,
        }
        print(f"== {item.title}\n{summary('Frontline', frontline)}", flush=True)
        save()
        if item in rasa_items:
            _suite_rasa(args, item, data, results)
            save()
        if item.key in {key.strip() for key in (args.tune or "").split(",")}:
            _suite_tuned(args, item, data, results, base=memo, scoring=settings.faq_scoring)
            save()

    save()
    print(f"wrote {args.out}/faq-eval.md in {results['elapsed_s']} s")
    return 0


def _suite_tuned(
    args: argparse.Namespace,
    item: SuiteItem,
    data: EvalSet,
    results: dict[str, Any],
    *,
    base: Any,
    scoring: Any,
) -> None:
    """Tune MiniLM on the item's knowledge base as ``frontline faq tune`` would, and score
    the tuned model as a row of its own when the verdict keeps it."""
    from bot.eval.faq import evaluate_faq, knowledge_base
    from bot.faq.encoders.sentence_transformers import SentenceTransformerEncoder
    from bot.faq.tuning import tune

    with tempfile.TemporaryDirectory(prefix="frontline-tune-") as folder:
        try:
            verdict = tune(
                knowledge_base(data.kb, data.answers),
                base=base,
                scoring=scoring,
                folder=Path(folder),
                threads=args.batch_threads,
            )
        except ValueError as error:
            results["notes"].append(f"{item.key}: not tuned ({error}).")
            return
        entry: dict[str, Any] = {
            "title": f"{item.title}, MiniLM tuned on the knowledge base (`frontline faq tune`)",
            "dataset": data.name,
            "n_calibration": len(data.calibration),
            "calibration_source": item.calibration_source,
            "quick": args.quick,
            "verdict": {
                "base_top1_held_out": verdict.base_top1,
                "tuned_top1_held_out": verdict.tuned_top1,
                "held_out": verdict.held_out,
                "kept": verdict.better,
                "tuning_s": verdict.seconds,
            },
        }
        if verdict.better and verdict.model:
            tuned = SentenceTransformerEncoder(verdict.model)
            entry["frontline"] = evaluate_faq(
                data.kb,
                data.queries,
                encoder=tuned,
                thresholds=get_settings().faq_thresholds,
                scoring=scoring,
                calibration=data.calibration,
                answers=data.answers,
                target_precision=args.target_precision,
                target_accuracy=item.accuracy_target,
                batch_threads=args.batch_threads,
            )
            print(f"== {entry['title']}\n{summary('Frontline', entry['frontline'])}", flush=True)
        else:
            results["notes"].append(
                f"{item.key}: the tuned model was no better on held-out phrasings "
                f"({verdict.tuned_top1:.1%} against {verdict.base_top1:.1%}); not used."
            )
            return
        results["datasets"][f"{item.key}_tuned"] = entry


def _rasa_items(args: argparse.Namespace, notes: list[str]) -> list[SuiteItem]:
    """The suite datasets the ResponseSelector runs on, from the command-line flags."""
    if args.rasa_datasets:
        wanted = {key.strip() for key in args.rasa_datasets.split(",") if key.strip()}
        unknown = wanted - {item.key for item in SUITE}
        if unknown:
            notes.append(f"Unknown --rasa-datasets keys ignored: {sorted(unknown)}.")
    else:
        wanted = {item.key for item in SUITE if item.rasa}
    if args.rasa_clinc:
        wanted.add("clinc150")
    items = [item for item in SUITE if item.key in wanted]
    return items[:1] if args.quick else items


def _suite_rasa(
    args: argparse.Namespace, item: SuiteItem, data: EvalSet, results: dict[str, Any]
) -> None:
    """Run the ResponseSelector on one suite dataset and add it to ``results``."""
    from bot.eval.rasa_baseline import DEFAULT_EPOCHS, run_response_selector

    epochs = args.rasa_epochs or (5 if args.quick else item.rasa_epochs or DEFAULT_EPOCHS)
    with tempfile.TemporaryDirectory(prefix="frontline-rasa-") as workdir:
        try:
            rasa = run_response_selector(
                data.kb,
                data.queries,
                epochs=epochs,
                workdir=Path(workdir),
                calibration=data.calibration,
                target_precision=args.target_precision,
                target_accuracy=item.accuracy_target,
                timeout=RASA_TIMEOUT_S,
            )
        except Exception as error:  # reported; the suite goes on
            log.exception("ResponseSelector on %s failed", item.key)
            results["notes"].append(f"ResponseSelector on {item.key} failed: {error}")
            return
    section = results["datasets"][item.key]
    section["rasa"] = rasa
    section["ratios"] = ratios(section["frontline"], rasa)
    print(f"== {item.title}\n{summary('Rasa ResponseSelector', rasa)}", flush=True)
