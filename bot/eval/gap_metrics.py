"""How well a clustering of unanswered questions matches their true intents (``bench/
gap_mining.py``). Pure: labels in, figures out.

A clustering is one label per question, ``-1`` for a question left out of every cluster
(HDBSCAN's noise). Definitions, as the report states them:

- *purity*: of the questions in a cluster, the share whose intent is their cluster's most
  frequent intent (left-out questions do not count);
- *adjusted Rand index*: over every question, each left-out question counted as a cluster
  of its own (so leaving questions out is not free);
- *coverage*: the share of questions in some cluster;
- an intent is *recovered* when a cluster whose most frequent intent it is holds at
  least half of that intent's questions;
- an intent's two languages *land in one cluster* when the cluster holding most of its
  questions in the first language also holds most of its questions in the second (a
  left-out question belongs to no cluster); *strictly* when that cluster holds at least
  half of each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

NOISE = -1


def purity(truth: Sequence[str], clusters: Sequence[int]) -> float:
    """Share of clustered questions whose intent is their cluster's majority intent."""
    members: dict[int, Counter[str]] = {}
    for label, cluster in zip(truth, clusters):
        if cluster != NOISE:
            members.setdefault(cluster, Counter())[label] += 1
    total = sum(sum(c.values()) for c in members.values())
    return sum(c.most_common(1)[0][1] for c in members.values()) / total if total else 0.0


def singletons(clusters: Sequence[int]) -> list[int]:
    """The clustering with each left-out question in a cluster of its own."""
    top = max((c for c in clusters if c != NOISE), default=-1)
    out = []
    for cluster in clusters:
        if cluster == NOISE:
            top += 1
            out.append(top)
        else:
            out.append(cluster)
    return out


def adjusted_rand(truth: Sequence[str], clusters: Sequence[int]) -> float:
    """Adjusted Rand index, left-out questions as singletons."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(list(truth), singletons(clusters)))


def coverage(clusters: Sequence[int]) -> float:
    return float(np.mean([c != NOISE for c in clusters])) if len(clusters) else 0.0


def recovered(truth: Sequence[str], clusters: Sequence[int], intents: Iterable[str]) -> list[str]:
    """The ``intents`` found as their own cluster (see the module's definition)."""
    by_cluster: dict[int, Counter[str]] = {}
    for label, cluster in zip(truth, clusters):
        if cluster != NOISE:
            by_cluster.setdefault(cluster, Counter())[label] += 1
    sizes = Counter(truth)
    found = []
    for intent in intents:
        for counts in by_cluster.values():
            top, _ = counts.most_common(1)[0]
            if top == intent and counts[intent] >= 0.5 * sizes[intent]:
                found.append(intent)
                break
    return found


def _main_cluster(clusters: Sequence[int]) -> tuple[int | None, float]:
    """The cluster holding most of these questions, and its share of them."""
    counts = Counter(c for c in clusters if c != NOISE)
    if not counts:
        return None, 0.0
    cluster, count = counts.most_common(1)[0]
    return cluster, count / len(clusters)


def languages_merged(
    truth: Sequence[str],
    languages: Sequence[str],
    clusters: Sequence[int],
    intents: Iterable[str],
    pair: tuple[str, str],
) -> tuple[list[str], list[str]]:
    """The ``intents`` whose questions in the two languages of ``pair`` land in one
    cluster, and those that do so strictly (module docstring)."""
    merged, strict = [], []
    for intent in intents:
        sides = []
        for language in pair:
            picked = [
                c
                for t, lang, c in zip(truth, languages, clusters)
                if t == intent and lang == language
            ]
            sides.append(_main_cluster(picked))
        (first, first_share), (second, second_share) = sides
        if first is not None and first == second:
            merged.append(intent)
            if first_share >= 0.5 and second_share >= 0.5:
                strict.append(intent)
    return merged, strict
