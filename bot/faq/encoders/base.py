"""The encoder interface: text in, unit-length vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """Turns text into L2-normalised float32 vectors, so that a dot product is a cosine.

    Questions customers type are *queries*; the questions and variants in the
    knowledge base are *documents*. Symmetric models encode both the same way.
    """

    @property
    def name(self) -> str:
        """A stable identifier of the model and its settings, used to key caches."""
        ...

    @property
    def dim(self) -> int:
        """The length of every vector."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for customer messages, shape ``(len(texts), dim)``."""
        ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for knowledge-base phrasings, shape ``(len(texts), dim)``."""
        ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to unit length (zero rows stay zero) as contiguous float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)
