"""Widget sessions: unguessable ids the server hands out, and who may resume one.

A browser keeps its session id in ``localStorage`` and presents it again after a
reload. The id is the only key to the conversation's history, so it comes from
:mod:`secrets` (192 random bits) and never from the client. A client can resume an
id this process issued, or one whose conversation exists in the tracker store;
any other id, however well formed, gets a fresh session instead.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict

PREFIX = "web-"
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_session_id() -> str:
    """A fresh session id: 24 random bytes, URL-safe base64 (32 characters)."""
    return secrets.token_urlsafe(24)


def is_session_id(value: object) -> bool:
    """True when ``value`` has the shape of an id :func:`new_session_id` makes."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


def conversation_id(session_id: str) -> str:
    """Rasa's sender id for a widget session; also the socket.io room of its tabs."""
    if not is_session_id(session_id):
        raise ValueError("not a widget session id")
    return PREFIX + session_id


class SessionRegistry:
    """The session ids this process issued, the ``capacity`` most recent of them.

    Once a session has a conversation in the tracker store, that is what proves
    it exists; this registry bridges the time between issuing an id and the
    session's first message reaching the tracker.
    """

    def __init__(self, *, capacity: int = 50_000) -> None:
        self._capacity = capacity
        self._issued: OrderedDict[str, None] = OrderedDict()

    def issue(self) -> str:
        session_id = new_session_id()
        self._issued[session_id] = None
        if len(self._issued) > self._capacity:
            self._issued.popitem(last=False)
        return session_id

    def issued(self, session_id: str) -> bool:
        return session_id in self._issued
