"""The FAQ engine's one entry point: a customer's text in, a decision out."""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.matcher import Decision, Thresholds, decide
from bot.faq.reload import HotReloader
from bot.faq.schema import FaqEntry


@dataclass(frozen=True)
class FaqResult:
    """A decision together with the entries it refers to, taken from one index snapshot."""

    decision: Decision
    entries: tuple[FaqEntry, ...]


class FaqService:
    """Answers questions from the live knowledge base.

    Args:
        reloader: owns the live index and the encoder for queries (and keeps both up
            to date, thresholds too).
        thresholds: fixed thresholds (set by the operator); None to use those the
            knowledge base calibrates itself (``fallback`` until the first calibration).
        fallback: thresholds while no calibration exists (a knowledge base too small).
    """

    def __init__(
        self,
        *,
        reloader: HotReloader,
        thresholds: Thresholds | None,
        fallback: Thresholds,
    ) -> None:
        self._reloader = reloader
        self._fixed = thresholds
        self._fallback = fallback

    @property
    def thresholds(self) -> Thresholds:
        """The operator's thresholds, else the knowledge base's own."""
        if self._fixed is not None:
            return self._fixed
        calibration = self._reloader.calibration
        return calibration.thresholds if calibration is not None else self._fallback

    def ask(self, text: str) -> FaqResult:
        """Match ``text`` against every phrasing and decide what to do."""
        index, encoder = self._reloader.live
        thresholds = self.thresholds
        query = encoder.encode_queries([text])[0]
        hits = index.search(query, k=max(thresholds.max_choices, 2), text=text)
        decision = decide(hits, thresholds)
        return FaqResult(decision, tuple(index.kb[hit.entry_id] for hit in decision.hits))

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The live entry with this id, if there is one."""
        return self._reloader.index.kb.entries.get(entry_id)
