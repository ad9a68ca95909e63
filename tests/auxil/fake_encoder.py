"""A deterministic bag-of-words encoder for unit tests (never used outside tests).

Each lowercase word is hashed (with a stable hash, not Python's salted ``hash``) into one
of 256 dimensions; the counts are L2-normalised, so the dot product of two vectors is the
cosine of their word-count vectors. It records every text it embeds, so tests can assert
that only new or changed phrasings reach the encoder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from bot.faq.encoders.base import normalise

WORD = re.compile(r"\w+")


def bucket(token: str, dim: int = 256) -> int:
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % dim


class FakeEncoder:
    """Bag of words hashed into ``dim`` dimensions; counts what it encodes."""

    def __init__(self, *, name: str = "fake-bow", dim: int = 256) -> None:
        self._name = name
        self._dim = dim
        self.documents: list[str] = []
        self.queries: list[str] = []

    @property
    def name(self) -> str:
        return f"{self._name}:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def documents_encoded(self) -> int:
        return len(self.documents)

    def vector(self, text: str) -> np.ndarray:
        counts = np.zeros(self._dim, dtype=np.float32)
        for token in WORD.findall(text.lower()):
            counts[bucket(token, self._dim)] += 1.0
        return normalise(counts)[0]

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.vstack([self.vector(text) for text in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries.extend(texts)
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents.extend(texts)
        return self._encode(texts)
