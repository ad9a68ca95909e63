"""A cosine index over every phrasing of every entry, with a linear head on top, and the
lexical and answer-text scores that join it (each weighted by :class:`Scoring`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bot.faq.encoders.base import Encoder
from bot.faq.head import RidgeHead, fit_ridge_head
from bot.faq.lexical import LexicalIndex
from bot.faq.schema import FaqEntry, KnowledgeBase


@dataclass(frozen=True)
class Hit:
    """One entry's best match for a query.

    Attributes:
        entry_id: the FAQ entry.
        score: the ranking score: ``similarity`` plus the weighted head score.
        similarity: the cosine between the query and the entry's closest phrasing.
        matched: that phrasing.
        language: the language of that phrasing.
    """

    entry_id: str
    score: float
    similarity: float
    matched: str
    language: str


@dataclass(frozen=True)
class Scoring:
    """How entries are ranked: the nearest phrasing's cosine, plus ``head_weight`` times a
    ridge head, plus ``lexical_weight`` times BM25 (0–1), plus, for entries with at most
    ``answer_for`` phrasings, ``answer_weight`` times the cosine with the answer text.

    ``head_weight=0`` and the other weights at 0 is plain nearest-neighbour matching.
    """

    head_weight: float = 0.5
    ridge: float = 0.1
    lexical_weight: float = 0.0
    answer_weight: float = 0.0
    answer_for: int = 2


@dataclass(frozen=True)
class FaqIndex:
    """Immutable: a reload builds a new index and swaps it in whole.

    Rows are grouped by entry, so ``starts[i]`` is the first row of entry ``i``.
    ``embedded`` counts the phrasings that had to be embedded to build it
    (the rest were reused from the previous index).
    """

    kb: KnowledgeBase
    encoder_name: str
    vectors: np.ndarray
    entry_ids: tuple[str, ...]
    starts: np.ndarray
    phrasings: tuple[tuple[str, str], ...]
    embedded: int = 0
    head: RidgeHead | None = None
    head_weight: float = 0.0
    lexical: LexicalIndex | None = None
    lexical_weight: float = 0.0
    answers: np.ndarray | None = None  # per entry: the answer's vector times its weight

    def __len__(self) -> int:
        return len(self.entry_ids)

    def vector_of(self) -> Mapping[str, np.ndarray]:
        """Each phrasing's vector, so that a rebuild can reuse unchanged ones."""
        return {text: self.vectors[row] for row, (_, text) in enumerate(self.phrasings)}

    def search(self, query: np.ndarray, k: int = 5, *, text: str | None = None) -> list[Hit]:
        """The ``k`` best entries for one unit query vector (and its text, for the lexical
        score), best first."""
        if not self.entry_ids:
            return []
        query = query.astype(np.float32).reshape(-1)
        similarities = self.vectors @ query
        best_per_entry = np.maximum.reduceat(similarities, self.starts)
        scores = self.scores(query, best_per_entry, text)
        k = min(k, len(self.entry_ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = []
        for entry in top:
            start = self.starts[entry]
            stop = self.starts[entry + 1] if entry + 1 < len(self.starts) else len(similarities)
            row = start + int(np.argmax(similarities[start:stop]))
            language, text = self.phrasings[row]
            hits.append(
                Hit(
                    entry_id=self.entry_ids[entry],
                    score=float(scores[entry]),
                    similarity=float(best_per_entry[entry]),
                    matched=text,
                    language=language,
                )
            )
        return hits

    def scores(self, query: np.ndarray, nearest: np.ndarray, text: str | None) -> np.ndarray:
        """Every entry's ranking score, from its nearest phrasing's cosine ``nearest``."""
        scores = nearest
        if self.head is not None and self.head_weight:
            scores = scores + self.head_weight * self.head.scores(query)
        if self.lexical is not None and self.lexical_weight and text:
            scores = scores + self.lexical_weight * self.lexical.scores(text)
        if self.answers is not None:
            scores = scores + self.answers @ query
        return np.asarray(scores, dtype=np.float32)


def answer_text(entry: FaqEntry, language: str) -> str:
    """The answer as plain text for matching: markup and placeholders left out."""
    text = entry.answer.get(language) or next(iter(entry.answer.values()), "")
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"\{\w+ ([^}]*)\}", r"\1", text)  # {money 4.95 EUR} -> 4.95 EUR
    return text.replace("**", "")[:600]


def build_index(
    kb: KnowledgeBase,
    *,
    encoder: Encoder,
    previous: FaqIndex | None = None,
    scoring: Scoring | None = None,
    default_language: str = "en",
) -> FaqIndex:
    """Embed every phrasing of ``kb``, reusing ``previous`` vectors for unchanged text.

    Only phrasings that are new or edited reach the encoder (or its cache).
    The ridge head is refitted from scratch: it takes milliseconds.
    """
    scoring = scoring or Scoring()
    phrasings: list[tuple[str, str]] = []
    entry_ids: list[str] = []
    starts: list[int] = []
    for entry in kb.entries.values():
        texts = list(dict.fromkeys(entry.phrasings()))
        entry_ids.append(entry.id)
        starts.append(len(phrasings))
        phrasings.extend(texts)
    reusable = previous.vector_of() if previous and previous.encoder_name == encoder.name else {}
    missing = list(dict.fromkeys(text for _, text in phrasings if text not in reusable))
    fresh = dict(zip(missing, encoder.encode_documents(missing))) if missing else {}
    if phrasings:
        vectors = np.vstack(
            [reusable[text] if text in reusable else fresh[text] for _, text in phrasings]
        ).astype(np.float32)
    else:
        vectors = np.zeros((0, encoder.dim), dtype=np.float32)
    owners = np.repeat(np.arange(len(starts)), np.diff([*starts, len(phrasings)]))
    head = (
        fit_ridge_head(vectors, owners, len(entry_ids), ridge=scoring.ridge)
        if scoring.head_weight
        else None
    )
    entries = list(kb.entries.values())
    lexical = (
        LexicalIndex.build([[text for _, text in dict.fromkeys(e.phrasings())] for e in entries])
        if scoring.lexical_weight
        else None
    )
    answers = None
    sparse = [i for i, e in enumerate(entries) if len(set(e.phrasings())) <= scoring.answer_for]
    if scoring.answer_weight and sparse:
        written = [answer_text(entries[i], default_language) for i in sparse]
        encoded = encoder.encode_documents(written)
        answers = np.zeros((len(entries), vectors.shape[1]), dtype=np.float32)
        answers[sparse] = scoring.answer_weight * encoded
    return FaqIndex(
        kb=kb,
        encoder_name=encoder.name,
        vectors=np.ascontiguousarray(vectors),
        entry_ids=tuple(entry_ids),
        starts=np.asarray(starts, dtype=np.intp),
        phrasings=tuple(phrasings),
        embedded=len(missing),
        head=head,
        head_weight=scoring.head_weight if head is not None else 0.0,
        lexical=lexical,
        lexical_weight=scoring.lexical_weight if lexical is not None else 0.0,
        answers=answers,
    )
