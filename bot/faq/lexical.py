"""Lexical matching: BM25 over each entry's phrasings, in every language. Pure.

Sentence embeddings read meaning; exact words (product names, "Klarna", "2FA", an
error text) are where they are weakest. The lexical score is added to the dense one
with a small weight (``Scoring.lexical_weight``). Words are case- and accent-folded
and cut to their first five letters, a crude stemmer that treats "refund",
"refunded" and "refunds" alike in every language without a dictionary.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WORD = re.compile(r"\w+")
STEM = 5
K1, B = 1.2, 0.75


def terms(text: str) -> list[str]:
    """Folded, stemmed words of ``text`` (single letters dropped, digits kept)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return [w[:STEM] for w in WORD.findall(folded) if len(w) > 1 or w.isdigit()]


@dataclass(frozen=True)
class LexicalIndex:
    """BM25 weights per (term, entry), precomputed, so a query only adds them up.

    Attributes:
        postings: For each term, the entries it occurs in and its BM25 weight there.
        idf: Each term's inverse document frequency.
        entries: How many entries there are.
    """

    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    idf: dict[str, float]
    entries: int

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> LexicalIndex:
        """One document per entry: its phrasings (the texts are joined)."""
        counts = [Counter(t for text in texts for t in terms(text)) for texts in documents]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        frequency: Counter[str] = Counter(t for c in counts for t in c)
        total = len(documents)
        idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
        grouped: dict[str, tuple[list[int], list[float]]] = {}
        for entry, count in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[entry] / average)
            for term, tf in count.items():
                rows, weights = grouped.setdefault(term, ([], []))
                rows.append(entry)
                weights.append(idf[term] * tf * (K1 + 1) / (tf + norm))
        postings = {
            term: (np.asarray(rows, dtype=np.intp), np.asarray(weights, dtype=np.float32))
            for term, (rows, weights) in grouped.items()
        }
        return cls(postings=postings, idf=idf, entries=total)

    def scores(self, text: str) -> np.ndarray:
        """One score per entry in ``[0, 1]``: BM25 divided by the most the query's words
        could score, so a query of unknown words scores near 0 everywhere."""
        out = np.zeros(self.entries, dtype=np.float32)
        query = set(terms(text))
        if not query or not self.entries:
            return out
        rarest = max(self.idf.values(), default=1.0)
        ceiling = sum(self.idf.get(t, rarest) for t in query) * (K1 + 1)
        for term in query:
            found = self.postings.get(term)
            if found is not None:
                out[found[0]] += found[1]
        return out / ceiling if ceiling > 0 else out
