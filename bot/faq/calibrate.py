"""Thresholds from the knowledge base itself, on every load and reload. Pure computation.

No knowledge base comes with labelled customer traffic, so calibration makes some from
what it has:

- **Answerable questions**: each phrasing is asked of an index built without it
  (k-fold), so it is matched against the entry's *other* phrasings, as a customer's own
  words would be. An entry with a single question is matched against its answer text.
- **Questions from nearby topics**: an entry's phrasings asked with that entry left out
  of the ranking: the bot should not answer them, as it should not answer a question the
  knowledge base does not cover but that sounds like it does.
- **Off-topic messages** (``offtopic.yml``, six languages): weather, trivia, chit-chat.

The answer threshold and margin are chosen to answer as many answerable questions as
possible while answered precision stays at the target, with out-of-scope messages
weighted as a share of traffic (:data:`OOS_SHARE`). The clarify threshold is the lowest
one that keeps clarifications away from most out-of-scope messages
(``oos_recall``). Nothing here is tuned to one knowledge base.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from bot.faq.encoders.base import Encoder
from bot.faq.index import FaqIndex, Scoring, answer_text, build_index
from bot.faq.matcher import Thresholds
from bot.faq.schema import FaqEntry, KnowledgeBase

if TYPE_CHECKING:
    from bot.settings import Settings

OFFTOPIC_FILE = Path(__file__).with_name("offtopic.yml")
OOS_SHARE = 0.25  # out-of-scope messages as a share of traffic, half of them near misses
FOLDS = 5
NEAR_MISSES_PER_ENTRY = 3
MARGINS = tuple(round(0.02 * i, 2) for i in range(16))
SEED = 13


@dataclass(frozen=True)
class Calibration:
    """Thresholds for one knowledge base, and what they are expected to do.

    Attributes:
        thresholds: Answer, margin and clarify thresholds.
        answer_rate: Share of answerable questions answered (correctly or not).
        precision: Answered precision, out-of-scope messages weighted in.
        oos_recall: Share of out-of-scope messages given no answer.
        positives: Answerable questions tried.
        negatives: Out-of-scope messages tried.
        reached: Whether the target precision was reached.
    """

    thresholds: Thresholds
    answer_rate: float
    precision: float
    oos_recall: float
    positives: int
    negatives: int
    reached: bool


@dataclass(frozen=True)
class _Tops:
    """Per query: the best score, its lead over the runner-up, whether it is right."""

    score: np.ndarray
    margin: np.ndarray
    right: np.ndarray


def load_offtopic(path: Path = OFFTOPIC_FILE) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(text) for texts in data.values() for text in texts or []]


def calibrate(
    index: FaqIndex,
    *,
    encoder: Encoder,
    scoring: Scoring,
    offtopic: np.ndarray,
    offtopic_texts: Sequence[str],
    target_precision: float = 0.95,
    oos_recall: float = 0.8,
    max_choices: int = 3,
    default_language: str = "en",
) -> Calibration | None:
    """Thresholds for ``index``'s knowledge base; None when it is too small to tell.

    Args:
        index: The live index (its vectors are reused, nothing is embedded again).
        encoder: Embeds answer texts for held-out single-question entries (cached).
        scoring: How entries are ranked.
        offtopic: Query vectors of the off-topic messages.
        offtopic_texts: Their texts (for the lexical score).
        target_precision: Answered precision to keep.
        oos_recall: Share of out-of-scope messages that must get no clarification either.
        max_choices: Entries offered in a clarification.
        default_language: The language answers are matched in.
    """
    if len(index.entry_ids) < 2:
        return None
    positives = _held_out(index, encoder=encoder, scoring=scoring, language=default_language)
    echoes = _echoes(index, encoder=encoder, limit=scoring.answer_for)
    if positives is not None and echoes is not None:
        positives = _Tops(
            np.concatenate([positives.score, echoes.score]),
            np.concatenate([positives.margin, echoes.margin]),
            np.concatenate([positives.right, echoes.right]),
        )
    near = _near_misses(index, encoder=encoder, scoring=scoring, language=default_language)
    far = _tops(index, offtopic, list(offtopic_texts), gold=None)
    if positives is None or len(positives.score) < 10:
        return None
    negatives = _Tops(
        np.concatenate([near.score, far.score]),
        np.concatenate([near.margin, far.margin]),
        np.zeros(len(near.score) + len(far.score), dtype=bool),
    )
    # Each out-of-scope kind stands for half of OOS_SHARE of traffic.
    weights = np.concatenate(
        [
            np.full(len(near.score), OOS_SHARE / 2 / max(len(near.score), 1)),
            np.full(len(far.score), OOS_SHARE / 2 / max(len(far.score), 1)),
        ]
    )
    positive_weight = (1 - OOS_SHARE) / len(positives.score)
    best: tuple[float, float, float, float] | None = None  # rate, answer, margin, precision
    for margin in MARGINS:
        for answer in np.unique(np.quantile(positives.score, np.linspace(0, 1, 201)).round(3)):
            hit = (positives.score >= answer) & (positives.margin >= margin)
            miss = (negatives.score >= answer) & (negatives.margin >= margin)
            right = float((hit & positives.right).sum()) * positive_weight
            wrong = float((hit & ~positives.right).sum()) * positive_weight
            wrong += float(weights[miss].sum())
            if right + wrong == 0 or right / (right + wrong) < target_precision:
                continue
            rate = float(hit.mean())
            if best is None or rate > best[0] + 1e-9:
                best = (rate, float(answer), margin, right / (right + wrong))
    reached = best is not None
    if best is None:  # the target is out of reach: answer only what is nearly certain
        top = float(np.quantile(positives.score, 0.99))
        best = (float((positives.score >= top).mean()), top, MARGINS[-1], 0.0)
    rate, answer, margin, precision = best
    clarify = min(answer, float(np.quantile(negatives.score, oos_recall)))
    recall = float(((negatives.score < answer) | (negatives.margin < margin)).mean())
    thresholds = Thresholds(
        answer=round(answer, 3),
        margin=round(margin, 3),
        clarify=round(clarify, 3),
        max_choices=max_choices,
    )
    return Calibration(
        thresholds=thresholds,
        answer_rate=round(rate, 4),
        precision=round(precision, 4),
        oos_recall=round(recall, 4),
        positives=len(positives.score),
        negatives=len(negatives.score),
        reached=reached,
    )


def _held_out(
    index: FaqIndex, *, encoder: Encoder, scoring: Scoring, language: str
) -> _Tops | None:
    """Every phrasing asked of an index built without it (``FOLDS`` folds)."""
    rng = random.Random(SEED)
    rows = list(range(len(index.phrasings)))
    rng.shuffle(rows)
    fold_of = {row: position % FOLDS for position, row in enumerate(rows)}
    owner = np.repeat(np.arange(len(index.starts)), np.diff([*index.starts, len(rows)]))
    scores, margins, right = [], [], []
    for fold in range(FOLDS):
        held = [row for row in range(len(rows)) if fold_of[row] == fold]
        kept = {row for row in range(len(rows)) if fold_of[row] != fold}
        sub = _without(index.kb, index, kept, language)
        if len(sub.entries) < 2 or not held:
            continue
        smaller = build_index(
            sub, encoder=encoder, previous=index, scoring=scoring, default_language=language
        )
        gold = [index.entry_ids[owner[row]] for row in held]
        tops = _tops(
            smaller, index.vectors[held], [index.phrasings[row][1] for row in held], gold=gold
        )
        scores.append(tops.score)
        margins.append(tops.margin)
        right.append(tops.right)
    if not scores:
        return None
    return _Tops(np.concatenate(scores), np.concatenate(margins), np.concatenate(right))


def _echoes(index: FaqIndex, *, encoder: Encoder, limit: int) -> _Tops | None:
    """For entries with at most ``limit`` phrasings, whose held-out question can only be
    matched against the answer: their phrasings as a customer might shorten them (a third
    of the words left out, or only the first two thirds), asked of the full index. They
    bound the calibration from the other side: no paraphrase is closer than these."""
    rng = random.Random(SEED)
    starts = [*index.starts.tolist(), len(index.phrasings)]
    texts, gold = [], []
    for entry, entry_id in enumerate(index.entry_ids):
        rows = range(starts[entry], starts[entry + 1])
        if len(rows) > limit:
            continue
        for row in rows:
            words = index.phrasings[row][1].split()
            if len(words) < 4:
                continue
            skip = rng.randrange(3)
            texts.append(" ".join(w for i, w in enumerate(words) if i % 3 != skip).lower())
            texts.append(" ".join(words[: max(3, len(words) * 2 // 3)]))
            gold += [entry_id, entry_id]
    if not texts:
        return None
    return _tops(index, encoder.encode_documents(texts), texts, gold=gold)


def _without(kb: KnowledgeBase, index: FaqIndex, kept: set[int], language: str) -> KnowledgeBase:
    """``kb`` with only the phrasings in ``kept`` (rows of ``index``). An entry left with
    none stands in with its answer text: a single-question entry's question is then
    matched against its answer, the nearest thing to a customer's paraphrase there is."""
    keep: dict[str, list[tuple[str, str]]] = {}
    for row, (language, text) in enumerate(index.phrasings):
        if row in kept:
            owner = int(np.searchsorted(index.starts, row, side="right") - 1)
            keep.setdefault(index.entry_ids[owner], []).append((language, text))
    entries: dict[str, FaqEntry] = {}
    for entry in kb.entries.values():
        texts = keep.get(entry.id) or [(language, answer_text(entry, language))]
        variants: dict[str, list[str]] = {}
        for language, text in texts:
            variants.setdefault(language, []).append(text)
        entries[entry.id] = replace(
            entry,
            question={},
            variants={language: tuple(items) for language, items in variants.items()},
        )
    return KnowledgeBase(entries)


def _near_misses(index: FaqIndex, *, encoder: Encoder, scoring: Scoring, language: str) -> _Tops:
    """Up to three phrasings per entry, asked of an index built without that entry (the
    entries in ``FOLDS`` groups): questions the knowledge base does not cover but that
    sound like those it does."""
    rng = random.Random(SEED)
    ids = list(index.entry_ids)
    rng.shuffle(ids)
    group_of = {entry_id: position % FOLDS for position, entry_id in enumerate(ids)}
    starts = [*index.starts.tolist(), len(index.phrasings)]
    scores, margins = [], []
    for group in range(FOLDS):
        gone = {entry_id for entry_id, g in group_of.items() if g == group}
        rest = KnowledgeBase({k: e for k, e in index.kb.entries.items() if k not in gone})
        if len(rest.entries) < 2 or not gone:
            continue
        smaller = build_index(
            rest, encoder=encoder, previous=index, scoring=scoring, default_language=language
        )
        rows = []
        for entry, entry_id in enumerate(index.entry_ids):
            if entry_id in gone:
                own = list(range(starts[entry], starts[entry + 1]))
                rows += rng.sample(own, min(NEAR_MISSES_PER_ENTRY, len(own)))
        tops = _tops(smaller, index.vectors[rows], [index.phrasings[r][1] for r in rows], gold=None)
        scores.append(tops.score)
        margins.append(tops.margin)
    if not scores:
        empty = np.zeros(0)
        return _Tops(empty, empty, np.zeros(0, dtype=bool))
    score, margin = np.concatenate(scores), np.concatenate(margins)
    return _Tops(score, margin, np.zeros(len(score), dtype=bool))


def _tops(
    index: FaqIndex, queries: np.ndarray, texts: list[str], *, gold: list[str] | None
) -> _Tops:
    """Best score, margin and correctness of each query against ``index``."""
    if not len(queries):
        empty = np.zeros(0)
        return _Tops(empty, empty, np.zeros(0, dtype=bool))
    similarities = index.vectors @ queries.T
    nearest = (
        np.maximum.reduceat(similarities, index.starts, axis=0)
        if len(index.phrasings)
        else np.full((len(index.entry_ids), len(queries)), -1.0, dtype=np.float32)
    )
    scores, margins, right = [], [], []
    for column, query in enumerate(queries):
        ranked = index.scores(query, nearest[:, column], texts[column])
        order = np.argsort(-ranked)[:2]
        first = float(ranked[order[0]])
        second = float(ranked[order[1]]) if len(order) > 1 else -1.0
        scores.append(first)
        margins.append(first - second)
        right.append(gold is not None and index.entry_ids[order[0]] == gold[column])
    return _Tops(np.array(scores), np.array(margins), np.array(right, dtype=bool))


def describe(settings: Settings) -> list[str]:
    """What ``frontline faq check`` says about the knowledge base: the thresholds it
    calibrates for itself and what they are expected to do."""
    from bot.faq.reload import HotReloader
    from bot.runtime import build_encoders, calibrator_for

    if settings.faq_thresholds is not None:
        t = settings.faq_thresholds
        return [
            f"Thresholds set by the operator: answer {t.answer}, margin {t.margin}, "
            f"clarify {t.clarify} (FRONTLINE_FAQ_*_THRESHOLD); no calibration."
        ]
    encoder, _ = build_encoders(settings)
    reloader = HotReloader(
        folder=settings.faq_dir,
        encoder=encoder,
        default_language=settings.default_language,
        scoring=settings.faq_scoring,
        calibrator=calibrator_for(settings, encoder),
    )
    reloader.check()
    found = reloader.calibration
    if found is None:
        return ["Too small to calibrate (fewer than 2 entries or 10 phrasings): cautious "
                "default thresholds apply."]  # fmt: skip
    t = found.thresholds
    lines = [
        f"Calibrated on this knowledge base ({settings.encoder}): answer at {t.answer}, "
        f"margin {t.margin}, choices from {t.clarify}.",
        f"Expected: {found.answer_rate:.0%} of answerable questions answered directly, at "
        f"{found.precision:.0%} precision (target {settings.faq_target_precision:.0%}); "
        f"{found.oos_recall:.0%} of out-of-scope messages get neither an answer nor "
        f"choices ({found.positives} answerable questions and {found.negatives} out-of-scope "
        "messages simulated from the entries themselves).",
    ]
    if not found.reached:
        lines.append(
            "The target precision is out of reach: add variants (the way customers write) to "
            "entries with one or two phrasings."
        )
    return lines
