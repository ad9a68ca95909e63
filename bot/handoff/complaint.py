"""The complaint signal: dissatisfaction said calmly ("it's been three weeks and still
nothing", "nobody answers my emails"), which the anger signal mostly misses.

A logistic head over the same sentence embedding and cues as the anger head, trained
by ``bench/train_complaint.py`` on our own labelled service messages in six languages
(``bench/service-messages/``), where calm requests use the same loaded words (cancel,
refund, stornieren, annuler...) so that those alone never read as a complaint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from bot.faq.encoders.base import Encoder
from bot.handoff.anger import AngerHead, sigmoid
from bot.handoff.cues import ProfanityList, cues, load_profanity, unshouted

HEAD_FILE = Path(__file__).with_name("complaint_head.npz")


class ComplaintSignal:
    """Scores customer messages for complaints (probability 0–1)."""

    def __init__(self, *, head: AngerHead, encoder: Encoder, profanity: ProfanityList) -> None:
        self.head = head
        self._encoder = encoder
        self._profanity = profanity

    @classmethod
    def load(
        cls, *, encoders: Mapping[str, Encoder] | None = None, path: Path = HEAD_FILE
    ) -> ComplaintSignal:
        """The committed head with the encoder it was trained on.

        Args:
            encoders: Encoders already loaded, by spec: the head's own is shared.
            path: The head file.
        """
        from bot.faq.encoders import build_encoder

        head = AngerHead.load(path)
        shared = (encoders or {}).get(head.encoder)
        return cls(
            head=head,
            encoder=shared if shared is not None else build_encoder(head.encoder),
            profanity=load_profanity(),
        )

    def score(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        features = np.array(
            [cues(text, profanity=self._profanity).features() for text in texts], dtype=np.float32
        )
        vectors = self._encoder.encode_queries([unshouted(text) for text in texts])
        return [float(p) for p in sigmoid(self.head.logits(vectors, features))]
