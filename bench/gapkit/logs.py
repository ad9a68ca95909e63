"""The "unanswered" logs gap mining is measured on, built from public intent datasets.

BANKING77: 15 intents are held out of the knowledge base (KB = the other 62, ten train
phrasings each, as ``bot.eval.datasets.banking77(k=10)``). The log is every query of the
held-out intents, plus the answerable queries the bot would log too: those the matcher
(the shipped scoring, thresholds the KB calibrates itself) does not answer, and those it
asks back about without offering the right entry (the customer says "none of these").

Two splits, never mixed: *calibration* holds out 15 other intents and draws its queries
from BANKING77's train split (rows outside the KB) and ArBanking77's validation split;
*test* holds out its own 15 intents and uses the test splits. Parameters are chosen on
calibration and reported on test.

Cross-language logs replace half of each intent's queries by another language: Arabic
from ArBanking77 (same intents), or an xSID language (xSID's own intents, with English
half the sentences and the other language the other half, so no sentence appears twice).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.eval.datasets import LabelledText, _read_conll, arbanking77, banking77, xsid_languages
from bot.eval.faq import kb_thresholds, knowledge_base
from bot.faq.encoders.base import Encoder
from bot.faq.index import FaqIndex, Scoring, build_index
from bot.faq.matcher import Outcome, Thresholds, decide

HELD_OUT = 15
PER_INTENT = 40  # BANKING77's test split has 40 queries per intent
XSID_MIN_PER_INTENT = 10


@dataclass(frozen=True)
class Log:
    """Questions to cluster, with their true intents and languages.

    Attributes:
        held: the intents held out of the knowledge base (all of them for xSID).
        pair: the two languages, for a cross-language log.
    """

    name: str
    texts: list[str]
    labels: list[str]
    languages: list[str]
    held: list[str]
    pair: tuple[str, str] | None = None

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class Split:
    """One split's logs, and the KB index that sorted answerable from unanswered."""

    name: str
    english: Log
    arabic: Log
    index: FaqIndex
    answered_share: float


def held_out_intents(root: Path, seed: int) -> dict[str, list[str]]:
    """Two disjoint sets of 15 intents: one for calibration, one for the test."""
    labels = sorted({row.label for row in banking77(root, k=10).kb})
    random.Random(seed).shuffle(labels)
    return {
        "test": sorted(labels[:HELD_OUT]),
        "calibration": sorted(labels[HELD_OUT : 2 * HELD_OUT]),
    }


def _by_label(rows: Sequence[LabelledText]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        grouped[row.label].append(row.text)
    return grouped


def _sample(texts: list[str], count: int, rng: random.Random) -> list[str]:
    return list(texts) if len(texts) <= count else rng.sample(texts, count)


def banking_split(
    name: str, root: Path, held: list[str], *, encoder: Encoder, scoring: Scoring, seed: int
) -> Split:
    """The English and Arabic logs of one split (module docstring)."""
    rng = random.Random(seed)
    kb10 = banking77(root, k=10)
    arabic = arbanking77(root)
    kb_rows = [row for row in kb10.kb if row.label not in held]
    if name == "test":
        english = _by_label(kb10.queries)
        foreign = _by_label(arabic.queries)
    else:
        in_kb = {row.text for row in kb10.kb}
        everything = banking77(root, k=None).kb + kb10.calibration
        english = _by_label([row for row in everything if row.text not in in_kb])
        foreign = _by_label(arabic.calibration)
    english = {label: _sample(texts, PER_INTENT, rng) for label, texts in english.items()}
    foreign = {label: _sample(texts, PER_INTENT, rng) for label, texts in foreign.items()}
    index = build_index(knowledge_base(kb_rows), encoder=encoder, scoring=scoring)
    thresholds = kb_thresholds(index, encoder=encoder, scoring=scoring).thresholds
    missed_en, share = _missed(index, thresholds, english, held, encoder=encoder)
    missed_ar, _ = _missed(index, thresholds, foreign, held, encoder=encoder)
    en_log, ar_log = _assemble(name, english, foreign, missed_en, missed_ar, held, rng)
    return Split(name, en_log, ar_log, index, share)


def _missed(
    index: FaqIndex,
    thresholds: Thresholds,
    pool: dict[str, list[str]],
    held: list[str],
    *,
    encoder: Encoder,
) -> tuple[dict[str, list[str]], float]:
    """Per KB intent, the queries the bot would log; and the share it answered right."""
    rows = [(label, text) for label, texts in pool.items() if label not in held for text in texts]
    vectors = encoder.encode_queries([text for _, text in rows])
    missed: dict[str, list[str]] = defaultdict(list)
    right = 0
    for (label, text), vector in zip(rows, vectors):
        hits = index.search(vector, k=max(thresholds.max_choices, 2), text=text)
        decision = decide(hits, thresholds)
        offered = {hit.entry_id for hit in decision.hits}
        if decision.outcome is Outcome.NO_ANSWER or (
            decision.outcome is Outcome.CLARIFY and label not in offered
        ):
            missed[label].append(text)
        right += decision.outcome is Outcome.ANSWER and decision.hits[0].entry_id == label
    return missed, right / max(len(rows), 1)


def _assemble(
    name: str,
    english: dict[str, list[str]],
    foreign: dict[str, list[str]],
    missed_en: dict[str, list[str]],
    missed_ar: dict[str, list[str]],
    held: list[str],
    rng: random.Random,
) -> tuple[Log, Log]:
    en: list[tuple[str, str, str]] = []
    mixed: list[tuple[str, str, str]] = []
    for label in sorted(english):
        texts = english[label] if label in held else missed_en.get(label, [])
        en.extend((text, label, "en") for text in texts)
        others = foreign.get(label, []) if label in held else missed_ar.get(label, [])
        shuffled = rng.sample(texts, len(texts))
        half = min(len(texts) // 2, len(others))
        mixed.extend((text, label, "en") for text in shuffled[half:])
        mixed.extend((text, label, "ar") for text in rng.sample(others, half))
    return (
        _log(f"banking77-{name}-en", en, held, None),
        _log(f"banking77-{name}-en+ar", mixed, held, ("en", "ar")),
    )


def _log(
    name: str, rows: list[tuple[str, str, str]], held: list[str], pair: tuple[str, str] | None
) -> Log:
    return Log(
        name=name,
        texts=[text for text, _, _ in rows],
        labels=[label for _, label, _ in rows],
        languages=[language for _, _, language in rows],
        held=list(held),
        pair=pair,
    )


def xsid_logs(root: Path, split: str) -> list[Log]:
    """Per xSID language, English and that language half and half (``split``: ``valid``
    for calibration, ``test`` for the report)."""
    folder = root / "xsid"
    english = _read_conll(folder / f"en.{split}.conll")
    counts: dict[str, int] = defaultdict(int)
    for row in english:
        counts[row.label] += 1
    intents = sorted(label for label, count in counts.items() if count >= XSID_MIN_PER_INTENT)
    logs = []
    for language in xsid_languages(root):
        if language == "en":
            continue
        other = _read_conll(folder / f"{language}.{split}.conll")
        if len(other) != len(english):
            continue  # not parallel to the English file
        rows = []
        for position, (en_row, row) in enumerate(zip(english, other)):
            if en_row.label not in intents:
                continue
            chosen, lang = (en_row, "en") if position % 2 == 0 else (row, language)
            rows.append((chosen.text, chosen.label, lang))
        logs.append(_log(f"xsid-{split}-en+{language}", rows, intents, ("en", language)))
    return logs
