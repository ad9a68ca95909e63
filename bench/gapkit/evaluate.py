"""Clustering a log and scoring it: HDBSCAN through the product's own path
(:func:`bot.insight.gaps.mine_gaps`), the baselines, and the parameter search."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import numpy as np

from bench.gapkit.logs import Log
from bot.eval import gap_metrics as gm
from bot.faq.encoders.base import Encoder, normalise
from bot.faq.index import FaqIndex
from bot.insight.clusters import ClusterSettings, cluster_labels, paraphrase_whitening
from bot.insight.gaps import GapSettings, mine_gaps
from bot.insight.questions import AskedQuestion
from bot.store.clicks import text_key

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
LINKAGE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6)  # cosine distance, average linkage


def scores(log: Log, labels: list[int]) -> dict[str, Any]:
    """Every figure of :mod:`bot.eval.gap_metrics` for one clustering of ``log``."""
    found = gm.recovered(log.labels, labels, log.held)
    result: dict[str, Any] = {
        "questions": len(log),
        "clusters": len(set(labels) - {gm.NOISE}),
        "purity": round(gm.purity(log.labels, labels), 4),
        "ari": round(gm.adjusted_rand(log.labels, labels), 4),
        "coverage": round(gm.coverage(labels), 4),
        "recovered": len(found),
        "held_out": len(log.held),
        "recovered_intents": found,
    }
    if log.pair:
        merged, strict = gm.languages_merged(log.labels, log.languages, labels, log.held, log.pair)
        result["cross_language"] = round(len(merged) / len(log.held), 4)
        result["cross_language_strict"] = round(len(strict) / len(log.held), 4)
        result["merged_intents"] = merged
    return result


def objective(result: dict[str, Any]) -> float:
    """What the calibration search maximises: recovered share + purity + ARI (+ the
    cross-language share on a two-language log)."""
    value = result["recovered"] / result["held_out"] + result["purity"] + result["ari"]
    return float(value + result.get("cross_language", 0.0))


def hdbscan_labels(
    log: Log, vectors: np.ndarray, settings: ClusterSettings, index: FaqIndex
) -> list[int]:
    whitening = (
        paraphrase_whitening(index.vectors, index.starts, settings.whitening)
        if settings.whitening
        else None
    )
    return cluster_labels(vectors, log.languages, settings, whitening=whitening).tolist()


def search(
    logs: list[tuple[Log, np.ndarray]], index: FaqIndex, grid: list[ClusterSettings]
) -> tuple[ClusterSettings, list[dict[str, Any]]]:
    """The settings with the best summed objective over the calibration ``logs``."""
    tried = []
    for settings in grid:
        results = [scores(log, hdbscan_labels(log, v, settings, index)) for log, v in logs]
        tried.append(
            {
                "settings": dataclasses.asdict(settings),
                "objective": round(sum(objective(r) for r in results), 4),
                "logs": {log.name: r for (log, _), r in zip(logs, results)},
            }
        )
    best = max(range(len(grid)), key=lambda i: tried[i]["objective"])
    return grid[best], tried


def default_grid() -> list[ClusterSettings]:
    base = ClusterSettings()
    return [
        dataclasses.replace(
            base,
            min_cluster_share=share,
            min_samples=samples,
            selection=selection,
            dims=dims,
            whitening=whitening,
        )
        for share, samples, selection, dims, whitening in itertools.product(
            (0.008, 0.0125), (1, 3), ("eom", "leaf"), (32, 64), (0.0, 0.01)
        )
    ]


def product_labels(
    log: Log, *, encoder: Encoder, index: FaqIndex, settings: GapSettings
) -> tuple[list[int], list[dict[str, Any]]]:
    """Cluster ``log`` exactly as ``frontline faq suggest`` does; labels per question and,
    per cluster, its majority intent and nearest entry."""
    questions = [
        AskedQuestion(text=t, language=lang, conversation_id=str(i), asked_at=NOW)
        for i, (t, lang) in enumerate(zip(log.texts, log.languages))
    ]
    clusters = mine_gaps(questions, encoder=encoder, index=index, now=NOW, settings=settings)
    labels = [gm.NOISE] * len(log)
    found = []
    for number, cluster in enumerate(clusters):
        rows = [int(m.conversation_id) for m in cluster.members]
        for row in rows:
            labels[row] = number
        intent, _ = Counter(log.labels[row] for row in rows).most_common(1)[0]
        found.append(
            {
                "intent": intent,
                "held_out": intent in log.held,
                "nearest": cluster.nearest.entry_id if cluster.nearest else None,
                "similarity": cluster.nearest.similarity if cluster.nearest else None,
            }
        )
    return labels, found


def exact_text_labels(log: Log, smallest: int) -> list[int]:
    """What ``frontline faq gaps`` does today: identical texts (case, spacing, accents and
    punctuation aside) group together; groups under ``smallest`` are no cluster."""
    keys = [text_key(text) for text in log.texts]
    counts = Counter(keys)
    numbers: dict[str, int] = {}
    return [
        numbers.setdefault(key, len(numbers)) if counts[key] >= smallest else gm.NOISE
        for key in keys
    ]


def linkage_labels(vectors: np.ndarray, threshold: float, smallest: int) -> list[int]:
    """Average-linkage agglomerative clustering at a fixed cosine distance; groups under
    ``smallest`` are no cluster."""
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(normalise(vectors).astype(np.float64), method="average", metric="cosine")
    flat = fcluster(tree, t=threshold, criterion="distance")
    counts = Counter(flat.tolist())
    return [int(c) if counts[c] >= smallest else gm.NOISE for c in flat.tolist()]
