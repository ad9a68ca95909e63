"""A cosine index over every phrasing of every entry, with a linear head on top."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bot.faq.encoders.base import Encoder
from bot.faq.head import RidgeHead, fit_ridge_head
from bot.faq.schema import KnowledgeBase


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
    """How entries are ranked: nearest phrasing plus ``head_weight`` times a ridge head.

    ``head_weight=0`` is plain nearest-neighbour matching.
    """

    head_weight: float = 0.5
    ridge: float = 0.1


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

    def __len__(self) -> int:
        return len(self.entry_ids)

    def vector_of(self) -> Mapping[str, np.ndarray]:
        """Each phrasing's vector, so that a rebuild can reuse unchanged ones."""
        return {text: self.vectors[row] for row, (_, text) in enumerate(self.phrasings)}

    def search(self, query: np.ndarray, k: int = 5) -> list[Hit]:
        """The ``k`` best entries for one unit query vector, best first."""
        if not self.entry_ids:
            return []
        query = query.astype(np.float32).reshape(-1)
        similarities = self.vectors @ query
        best_per_entry = np.maximum.reduceat(similarities, self.starts)
        scores = best_per_entry
        if self.head is not None and self.head_weight:
            scores = best_per_entry + self.head_weight * self.head.scores(query)
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


def build_index(
    kb: KnowledgeBase,
    *,
    encoder: Encoder,
    previous: FaqIndex | None = None,
    scoring: Scoring | None = None,
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
    )
