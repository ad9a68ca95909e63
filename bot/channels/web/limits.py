"""What a widget client may send: messages up to a size, at most so many a minute.

Sessions are free to open, so the rate is counted three ways: per session, per socket
(one socket may hold several sessions) and per address (one script may open several
sockets). An address carries a larger allowance, since an office or a mobile carrier
puts many customers behind one.

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
    """Size limit and token buckets per session, socket and address. Pure: the caller
    passes the time."""

    def __init__(
        self,
        *,
        max_chars: int,
        per_minute: float,
        burst: int,
        per_address_minute: float | None = None,
        address_burst: int | None = None,
    ) -> None:
        if max_chars < 1:
            raise ValueError("max_chars must be at least 1")
        self.max_chars = max_chars
        self._sessions = TokenBuckets(rate=per_minute / 60, burst=burst)
        self._sockets = TokenBuckets(rate=per_minute / 60, burst=burst)
        self._addresses = TokenBuckets(
            rate=(per_address_minute or per_minute * 6) / 60, burst=address_burst or burst * 6
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> MessageGate:
        return cls(
            max_chars=settings.web_max_message_chars,
            per_minute=settings.web_rate_limit_per_minute,
            burst=settings.web_rate_limit_burst,
            per_address_minute=settings.web_rate_limit_per_address_per_minute,
            address_burst=settings.web_rate_limit_per_address_burst,
        )

    def check(
        self, session_id: str, text: str, *, now: float, socket: str = "", address: str = ""
    ) -> Refusal | None:
        """None when the message may go on; a too-long message costs no token."""
        if len(text) > self.max_chars:
            return Refusal("too_long", {"limit": self.max_chars})
        for buckets, key in (
            (self._addresses, address),
            (self._sockets, socket),
            (self._sessions, session_id),
        ):
            if key and not buckets.try_take(key, now):
                return Refusal("rate_limited")
        return None
