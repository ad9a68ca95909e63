"""A cosine index over every phrasing of every entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bot.faq.encoders.base import Encoder
from bot.faq.schema import KnowledgeBase


@dataclass(frozen=True)
class Hit:
    """One entry's best match for a query.

    Attributes:
        entry_id: the FAQ entry.
        score: the cosine between the query and the entry's closest phrasing.
        matched: that phrasing.
        language: the language of that phrasing.
    """

    entry_id: str
    score: float
    matched: str
    language: str


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

    def __len__(self) -> int:
        return len(self.entry_ids)

    def vector_of(self) -> Mapping[str, np.ndarray]:
        """Each phrasing's vector, so that a rebuild can reuse unchanged ones."""
        return {text: self.vectors[row] for row, (_, text) in enumerate(self.phrasings)}

    def search(self, query: np.ndarray, k: int = 5) -> list[Hit]:
        """The ``k`` best entries for one unit query vector, best first."""
        if not self.entry_ids:
            return []
        similarities = self.vectors @ query.astype(np.float32).reshape(-1)
        best_per_entry = np.maximum.reduceat(similarities, self.starts)
        k = min(k, len(self.entry_ids))
        top = np.argpartition(-best_per_entry, k - 1)[:k]
        top = top[np.argsort(-best_per_entry[top], kind="stable")]
        hits = []
        for entry in top:
            start = self.starts[entry]
            stop = self.starts[entry + 1] if entry + 1 < len(self.starts) else len(similarities)
            row = start + int(np.argmax(similarities[start:stop]))
            language, text = self.phrasings[row]
            hits.append(Hit(self.entry_ids[entry], float(best_per_entry[entry]), text, language))
        return hits


def build_index(
    kb: KnowledgeBase, *, encoder: Encoder, previous: FaqIndex | None = None
) -> FaqIndex:
    """Embed every phrasing of ``kb``, reusing ``previous`` vectors for unchanged text.

    Only phrasings that are new or edited reach the encoder (or its cache).
    """
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
    return FaqIndex(
        kb=kb,
        encoder_name=encoder.name,
        vectors=np.ascontiguousarray(vectors),
        entry_ids=tuple(entry_ids),
        starts=np.asarray(starts, dtype=np.intp),
        phrasings=tuple(phrasings),
        embedded=len(missing),
    )
