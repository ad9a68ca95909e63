"""What the widget and the server say to each other over socket.io.

Browser → server:
    ``session_request`` :class:`SessionRequest`, answered (socket.io ack) with a
    :class:`SessionConfirm`; ``user_uttered`` :class:`UserUttered`, answered with
    a :class:`Receipt`.
Server → browser:
    ``bot_uttered`` :class:`BotUttered` to every tab of the session (an agent's
    message carries its ``author``); ``typing`` ``{"on": bool}``; ``user_echo`` (a
    message typed in another tab); ``buttons_disabled`` (a person took over: the
    buttons shown so far can no longer be used); ``error`` :class:`ErrorEvent` to the
    tab whose message was refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$")
_TIMEZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]{0,30}(?:/[A-Za-z0-9_+-]{1,30}){0,2}$")
MAX_TITLE_CHARS = 200


class SessionRequest(TypedDict, total=False):
    session_id: str | None


class ButtonWire(TypedDict):
    title: str
    payload: str
    url: str | None


class HistoryItem(TypedDict):
    who: Literal["user", "bot", "agent"]
    text: str
    buttons: list[ButtonWire]
    quick_replies: bool
    answered: bool
    name: str | None  # the agent's name
    avatar: str | None  # the agent's avatar URL


class AuthorWire(TypedDict):
    name: str
    avatar: str | None


class SessionConfirm(TypedDict):
    session_id: str
    resumed: bool
    history: list[HistoryItem]
    max_chars: int


class UserUttered(TypedDict, total=False):
    id: str
    text: str
    title: str
    metadata: dict[str, Any]


class Receipt(TypedDict):
    status: Literal["accepted", "duplicate", "refused", "failed"]
    id: str


class BotUttered(TypedDict):
    text: str
    buttons: list[ButtonWire]
    quick_replies: bool
    image: str | None
    attachment: str | None
    author: AuthorWire | None  # an agent's message; None for the bot


class ErrorEvent(TypedDict):
    code: str
    text: str
    id: str | None


class BadMessage(ValueError):
    """A ``user_uttered`` payload that no widget would send."""


@dataclass(frozen=True)
class WidgetMessage:
    """A validated ``user_uttered``.

    Attributes:
        message_id: The browser's id for this message; a resend reuses it.
        text: What to pass to Rasa: typed text, or a button's payload.
        title: The label of the button that was clicked, shown instead of ``text``.
        locale: The browser's language (``navigator.language``), if well formed.
        timezone: The browser's IANA timezone, if well formed.
    """

    message_id: str
    text: str
    title: str | None = None
    locale: str | None = None
    timezone: str | None = None


def parse_user_uttered(data: object) -> WidgetMessage:
    """Validate a ``user_uttered`` payload; hints that look wrong are dropped, not fatal."""
    if not isinstance(data, dict):
        raise BadMessage("payload is not an object")
    message_id, text, title = data.get("id"), data.get("text"), data.get("title")
    if not isinstance(message_id, str) or not _MESSAGE_ID.fullmatch(message_id):
        raise BadMessage("missing or malformed message id")
    if not isinstance(text, str) or not text.strip():
        raise BadMessage("missing or empty text")
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    return WidgetMessage(
        message_id=message_id,
        text=text.strip(),
        title=title.strip()[:MAX_TITLE_CHARS] if isinstance(title, str) and title.strip() else None,
        locale=_matching(_LOCALE, metadata.get("locale")),
        timezone=_matching(_TIMEZONE, metadata.get("timezone")),
    )


def _matching(pattern: re.Pattern[str], value: object) -> str | None:
    return value if isinstance(value, str) and pattern.fullmatch(value) else None
