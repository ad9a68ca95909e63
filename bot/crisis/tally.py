"""One topic's messages in the open window: counts, and the evidence an alert will carry.

Examples are redacted as they are kept (:func:`bot.faq.redact.redact_text`), so no raw
customer text is held past the message that brought it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.crisis.baseline import AngerBaseline, Baseline
from bot.faq.redact import redact_text


@dataclass
class Tally:
    """The open window's messages about one topic.

    Attributes:
        baseline: The window's usual count (fixed while the window is open).
        needed: The count that raises a volume alert.
        messages: Messages so far.
        angry: Angry messages so far.
        examples: Up to ``keep`` distinct redacted messages, first come first kept.
        channels: Messages by channel.
        languages: Messages by language.
        anger: The usual angry share, read once when first needed.
    """

    baseline: Baseline
    needed: int
    messages: int = 0
    angry: int = 0
    examples: list[str] = field(default_factory=list)
    channels: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    anger: AngerBaseline | None = None

    def add(
        self,
        text: str,
        *,
        angry: bool,
        channel: str,
        language: str,
        names: tuple[str, ...],
        keep: int,
    ) -> None:
        """Count one message and keep it as an example while there is room."""
        self.messages += 1
        self.angry += int(angry)
        if channel:
            self.channels[channel] += 1
        if language:
            self.languages[language] += 1
        if len(self.examples) < keep:
            redacted = redact_text(text, names=names)
            if redacted not in self.examples:
                self.examples.append(redacted)
