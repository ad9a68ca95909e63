"""A hand-made anger head over the fake bag-of-words encoder, for unit tests."""

from __future__ import annotations

import numpy as np

from bot.handoff.anger import AngerHead
from tests.auxil.fake_encoder import bucket

ANGRY_WORDS = ("refund", "unacceptable", "worst", "reembolso", "frechheit")


def word_head(
    angry_words: tuple[str, ...] = ANGRY_WORDS, *, dim: int = 256, threshold: float = 0.5
) -> AngerHead:
    """Angry words push the logit up; capitals, ``!?`` runs and swearing add two each."""
    weights = np.zeros(dim + 3, dtype=np.float32)
    for word in angry_words:
        weights[bucket(word, dim)] = 6.0
    weights[dim:] = 2.0
    return AngerHead(
        weights=weights, bias=-2.0, threshold=threshold, encoder="fake", repeat_weight=3.0
    )
