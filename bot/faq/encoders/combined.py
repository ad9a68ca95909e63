"""Several encoders side by side: the cosine of the result is the mean of their cosines."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bot.faq.encoders.base import Encoder


class CombinedEncoder:
    """Concatenates unit vectors from each encoder, scaled by ``1/sqrt(n)``.

    The dot product of two such vectors is the average of the per-model
    cosines, so the result is again a unit vector and a plain cosine index
    works unchanged.
    """

    def __init__(self, encoders: Sequence[Encoder]) -> None:
        if len(encoders) < 2:
            raise ValueError("a combination needs at least two encoders")
        self._encoders = list(encoders)
        self._scale = 1.0 / math.sqrt(len(self._encoders))

    @property
    def name(self) -> str:
        return "+".join(encoder.name for encoder in self._encoders)

    @property
    def dim(self) -> int:
        return sum(encoder.dim for encoder in self._encoders)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([encoder.encode_queries(texts) for encoder in self._encoders])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._join([encoder.encode_documents(texts) for encoder in self._encoders])

    def _join(self, blocks: list[np.ndarray]) -> np.ndarray:
        return np.ascontiguousarray(np.hstack(blocks) * self._scale, dtype=np.float32)
