"""Evaluate Frontline's FAQ engine on a labelled knowledge base and labelled queries.

The knowledge base is turned into real :class:`~bot.faq.schema.FaqEntry` objects (one per
label), indexed with :func:`bot.faq.index.build_index`, and every query goes through the same
encode, search and :func:`~bot.faq.matcher.decide` steps as in production.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import numpy as np

from bot.eval.datasets import LabelledText
from bot.eval.metrics import (
    Ranking,
    accuracy_target_result,
    answer_metrics,
    choose_threshold,
    latency_summary,
    ranking_metrics,
    sample_indices,
    sweep,
    thresholds_dict,
)
from bot.faq.calibrate import Calibration, calibrate, load_offtopic
from bot.faq.encoders.base import Encoder
from bot.faq.index import FaqIndex, Scoring, build_index
from bot.faq.matcher import Thresholds, decide
from bot.faq.schema import FaqEntry, KnowledgeBase

log = logging.getLogger(__name__)

LATENCY_SAMPLE = 300
"""Queries timed one at a time; the others are batch-encoded (accuracy only)."""

RANK_DEPTH = 10
"""Entries retrieved per query (MRR is MRR@10, like the ResponseSelector's ranking)."""

BATCH = 128
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_INTRA_OP_PARALLELISM_THREADS",
    "TF_INTER_OP_PARALLELISM_THREADS",
)


def limit_threads() -> None:
    """Run single-threaded, so that latencies are per-core figures.

    Sets the thread variables (read by OpenMP, OpenBLAS, MKL and TensorFlow when they first
    load, so call this before importing numpy where possible), limits already-loaded BLAS
    pools through ``threadpoolctl`` when it is installed, and calls
    ``torch.set_num_threads(1)`` if torch is loaded. Safe to call again after a model loads.
    """
    for variable in THREAD_VARIABLES:
        os.environ[variable] = "1"
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(1)
        except ImportError:  # pragma: no cover - optional
            pass
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


@contextmanager
def threads(count: int) -> Iterator[None]:
    """Let already-loaded OpenMP/BLAS pools and torch use ``count`` threads for a while.

    Used for batch encoding, whose speed is not what is being measured; timed queries run
    outside it, on the one thread :func:`limit_threads` set.
    """
    torch = sys.modules.get("torch")
    previous = torch.get_num_threads() if torch is not None else None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        limiter = None
    else:
        limiter = threadpool_limits(count)
    if torch is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
        if torch is not None and previous is not None:
            torch.set_num_threads(previous)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoEncoder:
    """An encoder that remembers every vector it computed during one run.

    Evaluation sets share texts (BANKING77 at k=10 and k=all share queries; ArBanking77 uses
    the BANKING77 knowledge base), so a suite embeds each text once. Latency is never
    measured through it: pass the wrapped encoder as ``timing_encoder``.

    Attributes:
        inner: The wrapped encoder.
        encoded: Texts actually sent to ``inner``.
    """

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.encoded = 0
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    @property
    def name(self) -> str:
        """The wrapped encoder's name."""
        return self.inner.name

    @property
    def dim(self) -> int:
        """The wrapped encoder's dimension."""
        return self.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors, from memory where possible."""
        return self._encode("query", texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Document vectors, from memory where possible."""
        return self._encode("document", texts)

    def _encode(self, role: str, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if (role, t) not in self._memo))
        for start in range(0, len(missing), 1024):
            chunk = missing[start : start + 1024]
            fresh = (
                self.inner.encode_queries(chunk)
                if role == "query"
                else self.inner.encode_documents(chunk)
            )
            pairs = zip(chunk, fresh, strict=True)
            self._memo.update(((role, text), vector) for text, vector in pairs)
            self.encoded += len(chunk)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[(role, text)] for text in texts]).astype(np.float32)


def knowledge_base(
    rows: Sequence[LabelledText], answers: Mapping[str, str] | None = None
) -> KnowledgeBase:
    """One FAQ entry per label: the first text is its question, the others its variants;
    its answer is ``answers[label]`` when given (answer matching reads it), else the label.

    The ``"en"`` key is only a container; the texts may be in any language.
    """
    texts: dict[str, list[str]] = {}
    for row in rows:
        texts.setdefault(row.label, []).append(row.text)
    today = date.today()
    entries = {
        label: FaqEntry(
            id=label,
            question={"en": group[0]},
            answer={"en": (answers or {}).get(label) or label},
            tags=("eval",),
            owner="eval",
            last_reviewed=today,
            source="eval",
            variants={"en": tuple(group[1:])},
        )
        for label, group in texts.items()
    }
    return KnowledgeBase(entries)


def _ranking(gold: str, index: FaqIndex, vector: np.ndarray, text: str) -> Ranking:
    hits = index.search(vector, RANK_DEPTH, text=text)
    return Ranking(gold, tuple(h.entry_id for h in hits), tuple(h.score for h in hits))


def _batch_rankings(
    rows: Sequence[LabelledText], index: FaqIndex, encoder: Encoder
) -> list[Ranking]:
    rankings: list[Ranking] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        vectors = encoder.encode_queries([row.text for row in chunk])
        pairs = zip(chunk, vectors, strict=True)
        rankings.extend(_ranking(row.label, index, vector, row.text) for row, vector in pairs)
    return rankings


def timed_rankings(
    rows: Sequence[LabelledText],
    index: FaqIndex,
    encoder: Encoder,
    thresholds: Thresholds,
) -> tuple[list[Ranking], list[float]]:
    """Answer ``rows`` one at a time as production does, timing encode + search + decide.

    Returns:
        The rankings and the per-query wall times in seconds, in order.
    """
    if rows:
        first = encoder.encode_queries([rows[0].text])[0]
        decide(index.search(first, RANK_DEPTH, text=rows[0].text), thresholds)
    rankings: list[Ranking] = []
    seconds: list[float] = []
    for row in rows:
        started = time.perf_counter()
        vector = encoder.encode_queries([row.text])[0]
        hits = index.search(vector, RANK_DEPTH, text=row.text)
        decide(hits, thresholds)
        seconds.append(time.perf_counter() - started)
        rankings.append(
            Ranking(row.label, tuple(h.entry_id for h in hits), tuple(h.score for h in hits))
        )
    return rankings, seconds


def evaluate_faq(
    kb: list[LabelledText] | KnowledgeBase,
    queries: list[LabelledText],
    *,
    encoder: Encoder,
    thresholds: Thresholds | None,
    scoring: Scoring | None = None,
    calibration: list[LabelledText] | None = None,
    answers: Mapping[str, str] | None = None,
    timing_encoder: Encoder | None = None,
    target_precision: float = 0.9,
    target_accuracy: float | None = None,
    latency_sample: int = LATENCY_SAMPLE,
    seed: int = 0,
    batch_threads: int = 1,
) -> dict[str, Any]:
    """Score the FAQ engine on ``queries`` against a knowledge base built from ``kb``.

    A fixed random sample of ``latency_sample`` queries (all of them if there are fewer) is
    answered one at a time and timed; the rest are batch-encoded, which gives the same vectors
    faster. Call :func:`limit_threads` first for single-thread latencies.

    Args:
        kb: Knowledge-base variants (each label becomes one FAQ entry), or a real knowledge
            base, evaluated as the bot serves it.
        queries: The test queries; label ``"oos"`` for out-of-scope.
        encoder: Embeds the knowledge base and the batch-encoded queries.
        thresholds: The thresholds the top-level answer metrics are computed at; None to
            calibrate them on the knowledge base itself, as the running bot does.
        scoring: How entries are ranked (the settings' scoring in the CLI).
        calibration: Held-out queries (never test data); when given, thresholds are chosen
            on them and the test metrics at those thresholds are reported under
            ``calibrated`` (and ``at_accuracy_target``).
        answers: Answer texts by label (the ``answer`` column), for answer matching.
        timing_encoder: Encodes the timed queries; defaults to ``encoder``. Pass the raw
            encoder when ``encoder`` is a :class:`MemoEncoder`.
        target_precision: Answered precision to reach on calibration.
        target_accuracy: If given, also choose the threshold keeping this in-scope accuracy
            on calibration (the CLINC150 protocol).
        latency_sample: How many queries to time.
        seed: Seed of the latency sample.
        batch_threads: Threads for building the index and batch-encoding (not timed).

    Returns:
        A JSON-ready dict: ``top1``, ``top3``, ``mrr``, ``answer_rate``,
        ``answered_precision``, ``in_scope_accuracy``, ``oos_recall`` (``None`` without
        out-of-scope queries), latency percentiles in ms, ``index_build_s``, ``peak_rss_mb``,
        ``rss_delta_mb``, counts, ``encoder``, ``thresholds``, the ``sweep`` curve, and
        optionally ``calibrated`` / ``at_accuracy_target``.
    """
    timing_encoder = timing_encoder or encoder
    rss_before = peak_rss_mb()
    # A real knowledge base keeps its languages and answers (answer matching reads them).
    entries = kb if isinstance(kb, KnowledgeBase) else knowledge_base(kb, answers)
    n_kb = sum(len(dict.fromkeys(e.phrasings())) for e in entries.entries.values())
    started = time.perf_counter()
    with threads(batch_threads):
        index = build_index(entries, encoder=encoder, scoring=scoring)
    index_build_s = time.perf_counter() - started
    kb_calibration = None
    if thresholds is None:
        started = time.perf_counter()
        with threads(batch_threads):
            kb_calibration = kb_thresholds(index, encoder=encoder, scoring=scoring or Scoring())
        thresholds = kb_calibration.thresholds
        log.info("calibrated on the knowledge base in %.1f s", time.perf_counter() - started)
    log.info("indexed %d variants of %d entries in %.1f s", n_kb, len(entries), index_build_s)

    timed = set(sample_indices(len(queries), latency_sample, seed))
    timed_rows = [queries[i] for i in sorted(timed)]
    rest_rows = [row for i, row in enumerate(queries) if i not in timed]
    timed_ranks, seconds = timed_rankings(timed_rows, index, timing_encoder, thresholds)
    with threads(batch_threads):
        rest_ranks = _batch_rankings(rest_rows, index, encoder)
    by_position = dict(zip(sorted(timed), timed_ranks, strict=True))
    rest_iter = iter(rest_ranks)
    rankings = [
        by_position[i] if i in by_position else next(rest_iter) for i in range(len(queries))
    ]

    ranked = ranking_metrics(rankings)
    at = answer_metrics(rankings, thresholds)
    result: dict[str, Any] = {
        "system": "frontline",
        "encoder": encoder.name,
        "thresholds": thresholds_dict(thresholds),
        "n_kb": n_kb,
        "n_entries": len(entries),
        "n_queries": len(queries),
        "n_oos": at.n_oos,
        "top1": ranked.top1,
        "top3": ranked.top3,
        "mrr": ranked.mrr,
        "answer_rate": at.answer_rate,
        "answered_precision": at.answered_precision,
        "in_scope_accuracy": at.in_scope_accuracy,
        "oos_recall": at.oos_recall,
        **latency_summary(seconds),
        "index_build_s": round(index_build_s, 3),
        "index_mb": round(index.vectors.nbytes / 2**20, 2),
        "batch_threads": batch_threads,
        "sweep": [point.as_dict() for point in sweep(rankings, thresholds)],
    }
    if kb_calibration is not None:
        result["kb_calibration"] = {
            "expected_answer_rate": kb_calibration.answer_rate,
            "expected_precision": kb_calibration.precision,
            "expected_oos_recall": kb_calibration.oos_recall,
            "positives": kb_calibration.positives,
            "negatives": kb_calibration.negatives,
            "reached": kb_calibration.reached,
        }
    if calibration:
        with threads(batch_threads):
            cal_ranks = _batch_rankings(calibration, index, encoder)
        choice = choose_threshold(cal_ranks, thresholds, target_precision=target_precision)
        result["calibrated"] = {
            "n_calibration": len(calibration),
            "choice": choice.as_dict(),
            "test": answer_metrics(rankings, choice.thresholds).as_dict(),
        }
        if target_accuracy is not None:
            result["at_accuracy_target"] = accuracy_target_result(
                cal_ranks, rankings, thresholds, target_accuracy=target_accuracy
            )
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["rss_delta_mb"] = round(peak_rss_mb() - rss_before, 1)
    return result


def kb_thresholds(index: FaqIndex, *, encoder: Encoder, scoring: Scoring) -> Calibration:
    """The thresholds a knowledge base calibrates itself (:mod:`bot.faq.calibrate`), at the
    default targets; the cautious fallback if it is too small to calibrate."""
    texts = load_offtopic()
    found = calibrate(
        index,
        encoder=encoder,
        scoring=scoring,
        offtopic=encoder.encode_queries(texts),
        offtopic_texts=texts,
    )
    if found is None:
        fallback = Thresholds(answer=1.0, margin=0.2, clarify=0.8)
        return Calibration(fallback, 0.0, 0.0, 0.0, 0, 0, reached=False)
    return found


def demo_latency(
    kb: KnowledgeBase,
    *,
    encoder: Encoder,
    thresholds: Thresholds,
    scoring: Scoring | None = None,
    n: int = 200,
    languages: Sequence[str] = ("en", "es", "de"),
) -> dict[str, Any]:
    """Time ``n`` queries against a real knowledge base, one at a time.

    The queries are the entries' question texts in ``languages``, cycled until there are
    ``n``; they measure speed, not accuracy.

    Args:
        kb: The knowledge base (e.g. ``data/faq``).
        encoder: The production encoder (not a memo).
        thresholds: The production thresholds.
        scoring: How entries are ranked.
        n: How many queries to time.
        languages: Which question translations to use.

    Returns:
        Latency percentiles in ms, ``index_build_s``, ``top1`` on these queries, counts.
    """
    texts = [
        LabelledText(entry.question[lang], entry.id)
        for entry in kb.entries.values()
        for lang in languages
        if lang in entry.question
    ]
    if not texts:
        raise ValueError("the knowledge base has no questions in the requested languages")
    rows = [texts[i % len(texts)] for i in range(n)]
    started = time.perf_counter()
    index = build_index(kb, encoder=encoder, scoring=scoring)
    index_build_s = time.perf_counter() - started
    rankings, seconds = timed_rankings(rows, index, encoder, thresholds)
    return {
        "encoder": encoder.name,
        "n_entries": len(kb),
        "n_phrasings": len(index.phrasings),
        "n_queries": n,
        "languages": list(languages),
        "index_build_s": round(index_build_s, 3),
        "top1": ranking_metrics(rankings).top1,
        **latency_summary(seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
