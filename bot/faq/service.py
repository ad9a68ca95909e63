"""The FAQ engine's one entry point: a customer's text in, a decision out."""

from __future__ import annotations

from collections.abc import Mapping
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
        routes: per language, an index of the same knowledge base built with another
            encoder (a model tuned on it that reads only that language), calibrated on
            its own; other languages, and questions of unknown language, use ``reloader``.
    """

    def __init__(
        self,
        *,
        reloader: HotReloader,
        thresholds: Thresholds | None,
        fallback: Thresholds,
        routes: Mapping[str, HotReloader] | None = None,
    ) -> None:
        self._reloader = reloader
        self._fixed = thresholds
        self._fallback = fallback
        self._routes = dict(routes or {})

    def route(self, language: str, reloader: HotReloader | None) -> HotReloader | None:
        """Send ``language``'s questions to ``reloader`` (None: back to the main index);
        the route it replaces is returned, for its owner to stop."""
        old = self._routes.pop(language, None)
        if reloader is not None:
            self._routes[language] = reloader
        return old

    @property
    def thresholds(self) -> Thresholds:
        """The operator's thresholds, else the knowledge base's own."""
        return self._thresholds(self._reloader)

    def _thresholds(self, reloader: HotReloader) -> Thresholds:
        if self._fixed is not None:
            return self._fixed
        calibration = reloader.calibration
        return calibration.thresholds if calibration is not None else self._fallback

    def ask(self, text: str, *, language: str | None = None) -> FaqResult:
        """Match ``text`` (written in ``language``, if known) against every phrasing and
        decide what to do."""
        reloader = self._routes.get(language or "", self._reloader)
        index, encoder = reloader.live
        thresholds = self._thresholds(reloader)
        query = encoder.encode_queries([text])[0]
        hits = index.search(query, k=max(thresholds.max_choices, 2), text=text)
        decision = decide(hits, thresholds)
        return FaqResult(decision, tuple(index.kb[hit.entry_id] for hit in decision.hits))

    def entry(self, entry_id: str) -> FaqEntry | None:
        """The live entry with this id, if there is one."""
        return self._reloader.index.kb.entries.get(entry_id)
