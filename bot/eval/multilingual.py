"""``frontline eval faq --suite multilingual``: retrieval per language against English entries.

Every row of the report is one language's queries against a knowledge base written in English
(or, for the demo knowledge base, also against the shipped en/es/de one): xSID per language,
ArBanking77 per Arabic dialect, and hand-written customer messages in languages the demo
knowledge base has no text in. Rows that share a knowledge base share one ResponseSelector
model: it is trained once on the English variants and scores every language, in the same run
as Frontline, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.eval.cli import (
    QUICK_K,
    QUICK_QUERIES,
    RASA_TIMEOUT_S,
    ratios,
    run_header,
    subsample,
    summary,
)
from bot.eval.datasets import EvalSet, LabelledText, arbanking77, banking77, read_csv, xsid
from bot.eval.datasets import xsid_languages as list_xsid_languages
from bot.eval.demo import DEMO_CALIBRATION, DEMO_QUERY_SETS, kb_rows
from bot.faq.loader import load_knowledge_base
from bot.settings import PROJECT_ROOT, Settings, get_settings

if TYPE_CHECKING:
    from bot.faq.encoders.base import Encoder

log = logging.getLogger(__name__)

FIRST_LANGUAGES = ("en", "es", "de", "fr", "pt", "ar", "ja")
"""The languages the tone-and-locale issue requires, listed first in the xSID table."""


@dataclass(frozen=True)
class LanguageItem:
    """One row of the multilingual report: one language's queries against one knowledge base.

    Attributes:
        key: Its key in the results (``xsid_de``, ``demo_en_fr``, ...).
        benchmark: The table it belongs to: ``"xsid"``, ``"arbanking77"`` or ``"demo"``.
        language: The queries' language, as shown in the table.
        kb: What the knowledge base is. Rows with the same ``kb`` have the same variants and
            share one ResponseSelector model.
        load: Loads the evaluation set.
        calibration_source: Where its calibration split comes from, for the report.
        rasa: Score the ResponseSelector on it by default.
        rasa_epochs: The baseline's epochs for this knowledge base (``None``: the default).
    """

    key: str
    benchmark: str
    language: str
    kb: str
    load: Callable[[], EvalSet]
    calibration_source: str
    rasa: bool = False
    rasa_epochs: int | None = None


def _ordered(languages: list[str]) -> list[str]:
    """The issue's languages first (in its order), then the others alphabetically."""
    first = [lang for lang in FIRST_LANGUAGES if lang in languages]
    return first + sorted(lang for lang in languages if lang not in first)


def suite_items(
    root: Path,
    *,
    faq_dir: Path,
    bench: Path,
    default_language: str = "en",
    quick: bool = False,
) -> list[LanguageItem]:
    """Every row of the multilingual suite, grouped by knowledge base, smallest first.

    Args:
        root: The public datasets folder.
        faq_dir: The FAQ folder of the demo knowledge base (``data/faq``).
        bench: The folder holding the demo query files (``bench/``).
        default_language: The FAQ folder's default language.
        quick: Use ``QUICK_K`` variants per intent where the full run uses all of them.
    """
    items: list[LanguageItem] = []
    for lang in _ordered(list_xsid_languages(root)):
        items.append(
            LanguageItem(
                f"xsid_{lang}",
                "xsid",
                lang,
                "xSID en.valid (English)",
                functools.partial(xsid, root, lang),
                "none" if lang == "en" else f"{lang}.valid.conll (translations of the KB)",
                rasa=True,
            )
        )

    @functools.cache
    def demo_kb(languages: tuple[str, ...] | None) -> tuple[LabelledText, ...]:
        kb = load_knowledge_base(faq_dir, default_language=default_language)
        return tuple(kb_rows(kb, languages))

    def demo_set(languages: tuple[str, ...] | None, file: str) -> EvalSet:
        return EvalSet(
            name=f"demo(kb={'+'.join(languages) if languages else 'all'},queries={file})",
            kb=list(demo_kb(languages)),
            queries=read_csv(bench / file),
            calibration=read_csv(bench / DEMO_CALIBRATION),
        )

    for variant, languages, title in (
        ("en", ("en",), "data/faq, English text only"),
        ("all", None, "data/faq, en/es/de text"),
    ):
        for lang, file in DEMO_QUERY_SETS:
            items.append(
                LanguageItem(
                    f"demo_{variant}_{lang.replace('/', '')}",
                    "demo",
                    lang,
                    title,
                    functools.partial(demo_set, languages, file),
                    f"bench/{DEMO_CALIBRATION} (en/es/de)",
                    rasa=variant == "en",
                )
            )

    for k, epochs in ((10, None), (None, 30)):
        size = QUICK_K if quick and k is None else k
        label = "all" if k is None else str(k)
        kb = f"BANKING77 train (English), k={'all' if size is None else size}"
        items.append(
            LanguageItem(
                f"banking77_en_k{label}",
                "arbanking77",
                "en",
                kb,
                functools.partial(banking77, root, size),
                "3 held-out train rows per intent",
                rasa=k == 10,
                rasa_epochs=epochs,
            )
        )
        for dialect in ("MSA", "PAL"):
            items.append(
                LanguageItem(
                    f"arbanking77_{dialect.lower()}_k{label}",
                    "arbanking77",
                    f"ar ({dialect})",
                    kb,
                    functools.partial(arbanking77, root, size, dialect=dialect),
                    "the Arabic val split (MSA + PAL mixed)",
                    rasa=k == 10,
                    rasa_epochs=epochs,
                )
            )
    return items


def _groups(items: list[LanguageItem]) -> Iterator[list[LanguageItem]]:
    """Consecutive items that share a knowledge base."""
    group: list[LanguageItem] = []
    for item in items:
        if group and item.kb != group[0].kb:
            yield group
            group = []
        group.append(item)
    if group:
        yield group


def _selects(wanted: str, key: str) -> bool:
    """Whether ``wanted`` names the row ``key``: the key itself or its leading parts."""
    return key == wanted or key.startswith(wanted + "_")


def rasa_keys(args: argparse.Namespace, items: list[LanguageItem], notes: list[str]) -> set[str]:
    """The rows the ResponseSelector scores, from the command-line flags.

    ``--rasa-datasets`` takes row keys (``xsid_de``) or their leading parts up to an
    underscore (``xsid``, ``demo_en``, ``arbanking77_msa``); a quick run keeps only the first
    knowledge base's rows.
    """
    if args.skip_rasa:
        notes.append("The ResponseSelector baseline was skipped (--skip-rasa).")
        return set()
    if args.rasa_datasets:
        wanted = [key.strip() for key in args.rasa_datasets.split(",") if key.strip()]
        keys = {item.key for item in items if any(_selects(w, item.key) for w in wanted)}
        unmatched = [w for w in wanted if not any(_selects(w, item.key) for item in items)]
        if unmatched:
            notes.append(f"Unknown --rasa-datasets keys ignored: {unmatched}.")
    else:
        keys = {item.key for item in items if item.rasa}
    if args.quick:
        first = next((g for g in _groups(items) if any(i.key in keys for i in g)), [])
        keys &= {item.key for item in first}
    return keys


def _quick(data: EvalSet) -> EvalSet:
    return EvalSet(
        name=data.name + f"[quick:{QUICK_QUERIES}]",
        kb=data.kb,
        queries=subsample(data.queries, QUICK_QUERIES, 1),
        calibration=subsample(data.calibration, QUICK_QUERIES, 2),
    )


def run_suite(
    args: argparse.Namespace,
    *,
    settings: Settings | None = None,
    encoder: Encoder | None = None,
    items: list[LanguageItem] | None = None,
) -> int:
    """Run every row, write ``multilingual.json`` and ``multilingual.md`` into ``args.out``.

    Args:
        args: The ``frontline eval faq`` options.
        settings: The settings (default: :func:`bot.settings.get_settings`).
        encoder: The encoder (default: built from ``--encoder`` or the encoder setting).
        items: The rows (default: :func:`suite_items` on the settings' folders).

    Returns:
        The exit code.
    """
    from bot.eval.faq import MemoEncoder, evaluate_faq, limit_threads
    from bot.eval.multilingual_report import write_report
    from bot.eval.report import machine_info
    from bot.faq.encoders import build_encoder

    limit_threads()
    started = time.perf_counter()
    settings = settings or get_settings()
    spec = args.encoder or settings.encoder
    machine = machine_info()
    raw = encoder or build_encoder(spec)
    limit_threads()
    memo = MemoEncoder(raw)
    thresholds = settings.faq_thresholds
    if items is None:
        items = suite_items(
            Path(settings.datasets_dir),
            faq_dir=Path(settings.faq_dir),
            bench=PROJECT_ROOT / "bench",
            default_language=settings.default_language,
            quick=args.quick,
        )
    results: dict[str, Any] = {
        **run_header(args, spec, encoder=raw.name, thresholds=thresholds, machine=machine),
        "rows": {},
        "rasa_models": {},
        "notes": [],
    }
    wanted = rasa_keys(args, items, results["notes"])
    unscored = [item.key for item in items if item.key not in wanted]
    if wanted and unscored:
        results["notes"].append(
            "The ResponseSelector was not scored on: "
            + ", ".join(unscored)
            + " (choose rows with --rasa-datasets; on k=all it trains for about 15 minutes)."
        )

    def save() -> None:
        results["elapsed_s"] = round(time.perf_counter() - started, 1)
        results["machine"]["load_average_at_save"] = [round(x, 2) for x in os.getloadavg()]
        write_report(results, Path(args.out))

    for group in _groups(items):
        loaded: list[tuple[LanguageItem, EvalSet]] = []
        for item in group:
            data = item.load()
            if args.quick:
                data = _quick(data)
            frontline = evaluate_faq(
                data.kb,
                data.queries,
                encoder=memo,
                timing_encoder=raw,
                thresholds=thresholds,
                scoring=settings.faq_scoring,
                calibration=data.calibration,
                target_precision=args.target_precision,
                batch_threads=args.batch_threads,
            )
            frontline.pop("sweep", None)  # no plot here; keeps the JSON readable
            results["rows"][item.key] = {
                "benchmark": item.benchmark,
                "language": item.language,
                "kb": item.kb,
                "dataset": data.name,
                "n_calibration": len(data.calibration),
                "calibration_source": item.calibration_source,
                "frontline": frontline,
            }
            print(f"== {item.key} ({item.language})\n{summary('Frontline', frontline)}", flush=True)
            save()
            if item.key in wanted:
                loaded.append((item, data))
        if loaded:
            _score_rasa(args, loaded, results)
            save()
    save()
    print(f"wrote {args.out}/multilingual.md in {results['elapsed_s']} s")
    return 0


def _score_rasa(
    args: argparse.Namespace,
    loaded: list[tuple[LanguageItem, EvalSet]],
    results: dict[str, Any],
) -> None:
    """Train one ResponseSelector on the group's knowledge base and score each row with it."""
    from bot.eval.rasa_baseline import DEFAULT_EPOCHS, TrainedSelector

    first_item, first = loaded[0]
    if any(data.kb != first.kb for _, data in loaded):
        raise ValueError(f"rows of {first_item.kb!r} do not share one knowledge base")
    epochs = args.rasa_epochs or (5 if args.quick else first_item.rasa_epochs or DEFAULT_EPOCHS)
    with tempfile.TemporaryDirectory(prefix="frontline-rasa-") as workdir:
        try:
            selector = TrainedSelector.train(
                first.kb, epochs=epochs, workdir=Path(workdir), timeout=RASA_TIMEOUT_S
            )
        except Exception as error:  # reported; the suite goes on
            log.exception("ResponseSelector on %s failed", first_item.kb)
            results["notes"].append(f"ResponseSelector on {first_item.kb} failed: {error}")
            return
    results["rasa_models"][first_item.kb] = {
        "n_kb": selector.n_kb,
        "epochs": selector.epochs,
        "train_s": round(selector.train_seconds, 1),
        "rows": [item.key for item, _ in loaded],
    }
    try:
        for item, data in loaded:
            rasa = selector.evaluate(
                data.queries, calibration=data.calibration, target_precision=args.target_precision
            )
            rasa.pop("sweep", None)
            row = results["rows"][item.key]
            row["rasa"] = rasa
            row["ratios"] = ratios(row["frontline"], rasa)
            print(f"== {item.key}\n{summary('Rasa ResponseSelector', rasa)}", flush=True)
    finally:
        selector.close()
