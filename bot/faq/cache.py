"""An on-disk embedding cache, keyed by model and text.

A restart, or a reload after an editor's change, embeds only the texts the
cache has not seen with this model. The cache is a single SQLite file; it is
safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bot.faq.encoders.base import Encoder


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors by (model, role, text), stored as float32 blobs in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings ("
                " model TEXT NOT NULL, role TEXT NOT NULL, key TEXT NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model, role, key))"
            )

    def get_many(self, model: str, role: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of whichever ``texts`` are cached, by text."""
        keys = {text_key(text): text for text in texts}
        found: dict[str, np.ndarray] = {}
        items = list(keys)
        with self._lock:
            for start in range(0, len(items), 500):
                chunk = items[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT key, vector FROM embeddings"
                    f" WHERE model=? AND role=? AND key IN ({marks})",
                    (model, role, *chunk),
                ).fetchall()
                for key, blob in rows:
                    found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, role: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (model, role, text_key(text), np.asarray(vector, dtype=np.float32).tobytes())
            for text, vector in zip(texts, vectors)
        ]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def count(self, model: str | None = None) -> int:
        with self._lock:
            if model is None:
                row = self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()
            else:
                row = self._db.execute(
                    "SELECT COUNT(*) FROM embeddings WHERE model=?", (model,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEncoder:
    """An encoder whose document vectors come from the cache when they can.

    Queries are not cached by default: each customer message is new. Benchmarks that
    replay the same queries again and again cache them too (``cache_queries``).
    """

    #: Vectors are stored after each chunk, so an interrupted run keeps what it did.
    CHUNK = 256

    def __init__(
        self, *, encoder: Encoder, cache: EmbeddingCache, cache_queries: bool = False
    ) -> None:
        self._encoder = encoder
        self._cache = cache
        self._cache_queries = cache_queries
        self.documents_encoded = 0

    @property
    def name(self) -> str:
        return self._encoder.name

    @property
    def dim(self) -> int:
        return self._encoder.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not self._cache_queries:
            return self._encoder.encode_queries(texts)
        return self._cached("query", texts, self._encoder.encode_queries)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached("document", texts, self._encoder.encode_documents)

    def _cached(
        self, role: str, texts: Sequence[str], encode: Callable[[Sequence[str]], np.ndarray]
    ) -> np.ndarray:
        cached = self._cache.get_many(self.name, role, texts)
        missing = list(dict.fromkeys(text for text in texts if text not in cached))
        for start in range(0, len(missing), self.CHUNK):
            chunk = missing[start : start + self.CHUNK]
            fresh = encode(chunk)
            self._cache.put_many(self.name, role, chunk, fresh)
            cached.update(zip(chunk, fresh))
            if role == "document":
                self.documents_encoded += len(chunk)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([cached[text] for text in texts]).astype(np.float32, copy=False)


class RecentQueries:
    """An :class:`Encoder` that remembers the vectors of the last ``size`` queries, in memory.

    One customer message is read by the anger signal and then by the FAQ engine; with
    this in front of the shared encoder it is embedded once. Documents pass through.
    """

    def __init__(self, *, encoder: Encoder, size: int = 256) -> None:
        self._encoder = encoder
        self._size = size
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._encoder.name

    @property
    def dim(self) -> int:
        return self._encoder.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            known = {text: self._recent[text] for text in texts if text in self._recent}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            known.update(zip(missing, self._encoder.encode_queries(missing)))
        with self._lock:
            for text in texts:
                self._recent[text] = known[text]
                self._recent.move_to_end(text)
            while len(self._recent) > self._size:
                self._recent.popitem(last=False)
        return (
            np.stack([known[text] for text in texts]) if texts else self._encoder.encode_queries([])
        )

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder.encode_documents(texts)
