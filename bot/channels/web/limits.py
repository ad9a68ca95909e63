"""What a widget session may send: messages up to a size, at most so many a minute.

A refused message never reaches Rasa; the widget shows the refusal's text, in the
customer's language, from ``data/responses/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.channels.pacing import TokenBuckets
from bot.channels.texts import system_text
from bot.settings import Settings


@dataclass(frozen=True)
class Refusal:
    code: Literal["too_long", "rate_limited"]
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return system_text(self.code, language, channel="web", **self.values)


class MessageGate:
    """Size limit and per-session token bucket. Pure: the caller passes the time."""

    def __init__(self, *, max_chars: int, per_minute: float, burst: int) -> None:
        if max_chars < 1:
            raise ValueError("max_chars must be at least 1")
        self.max_chars = max_chars
        self._buckets = TokenBuckets(rate=per_minute / 60, burst=burst)

    @classmethod
    def from_settings(cls, settings: Settings) -> MessageGate:
        return cls(
            max_chars=settings.web_max_message_chars,
            per_minute=settings.web_rate_limit_per_minute,
            burst=settings.web_rate_limit_burst,
        )

    def check(self, session_id: str, text: str, *, now: float) -> Refusal | None:
        """None when the message may go on; a too-long message costs no token."""
        if len(text) > self.max_chars:
            return Refusal("too_long", {"limit": self.max_chars})
        if not self._buckets.try_take(session_id, now):
            return Refusal("rate_limited")
        return None
