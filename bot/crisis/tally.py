"""One topic's messages in the open window: counts, and the evidence an alert will carry.

Examples are redacted as they are kept (:func:`bot.faq.redact.redact_text`), so no raw
customer text is held past the message that brought it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.crisis.baseline import AngerBaseline, Baseline
from bot.faq.redact import redact_text


@dataclass(frozen=True)
class Counted:
    """Messages about one topic that a store counted (every replica's), added at once.

    Attributes:
        messages: How many.
        angry: How many of them the anger signal called angry.
        channels: How many by channel.
        languages: How many by language.
        examples: Some of them, redacted already.
    """

    messages: int
    angry: int = 0
    channels: Mapping[str, int] = field(default_factory=dict)
    languages: Mapping[str, int] = field(default_factory=dict)
    examples: Sequence[str] = ()


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

    def merge(self, counted: Counted, *, keep: int) -> None:
        """Count messages counted elsewhere, keeping their examples while there is room."""
        self.messages += counted.messages
        self.angry += counted.angry
        self.channels.update({k: n for k, n in counted.channels.items() if k and n > 0})
        self.languages.update({k: n for k, n in counted.languages.items() if k and n > 0})
        for example in counted.examples:
            if len(self.examples) >= keep:
                break
            if example not in self.examples:
                self.examples.append(example)
