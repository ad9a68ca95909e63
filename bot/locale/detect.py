"""Language detection with lingua, restricted to the supported languages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class LanguageDetector:
    """Detects the language of a message, and says nothing when it is unsure.

    Args:
        languages: ISO 639-1 codes to choose from.
        min_confidence: the winner's confidence must reach this...
        min_margin: ...and beat the runner-up by this much.
        min_letters: shorter texts ("ok", "👍", an order number) are not judged.
        short_text_confidence: what one word ("hello" looks Spanish to any
            detector) or two or three words must reach instead.
    """

    def __init__(
        self,
        *,
        languages: Sequence[str],
        min_confidence: float = 0.5,
        min_margin: float = 0.15,
        min_letters: int = 4,
        short_text_confidence: tuple[float, float] = (0.85, 0.7),
    ) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        chosen = [
            Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages
        ]
        if len(chosen) == 1:
            chosen.append(Language.ENGLISH if chosen[0] != Language.ENGLISH else Language.GERMAN)
        self._detector: Any = LanguageDetectorBuilder.from_languages(*chosen).build()
        self._languages = set(languages)
        self._min_confidence = min_confidence
        self._min_margin = min_margin
        self._min_letters = min_letters
        self._short_text_confidence = short_text_confidence

    def detect(self, text: str) -> str | None:
        """The language code of ``text``, or None when the text is too short or ambiguous."""
        if sum(ch.isalpha() for ch in text) < self._min_letters:
            return None
        values = self._detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        runner_up = values[1].value if len(values) > 1 else 0.0
        words = len(text.split())
        one_word, few_words = self._short_text_confidence
        needed = one_word if words == 1 else few_words if words <= 3 else self._min_confidence
        if best.value < needed or best.value - runner_up < self._min_margin:
            return None
        code = best.language.iso_code_639_1.name.lower()
        return code if code in self._languages else None
