"""How a customer message reads: angry, a complaint, a repeat. One reading per message.

The anger signal (public emotion data) and the complaint signal (our own labelled
service messages) are two heads over the same sentence embedding, which the FAQ
engine has already computed for the message, so reading the mood costs two dot
products.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.handoff.anger import AngerSignal
from bot.handoff.complaint import ComplaintSignal
from bot.turn.engines import Mood


class MoodSignals:
    """The :class:`~bot.turn.engines.MoodReader` the bot runs with."""

    def __init__(self, *, anger: AngerSignal, complaint: ComplaintSignal | None) -> None:
        self.anger = anger
        self.complaint = complaint

    def read(self, text: str, *, history: Sequence[str]) -> Mood:
        [score] = self.anger.score([text], history=history)
        complaint = self.complaint.score([text])[0] if self.complaint is not None else 0.0
        return Mood(anger=score.probability, complaint=complaint, repeat=score.cues.repetition)
