"""An autouse guard: a test that connects anywhere but the loopback address fails.

Every engine the suite talks to (Rasa, the action server, fake Telegram and Slack APIs,
PostgreSQL, Redis, Chromium's pages) listens on 127.0.0.1; a connection elsewhere means
a test reached for the network, which CI does not have and the product must not need.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _checked(connect: Any) -> Any:
    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if host not in LOOPBACK and not str(host).startswith("127."):
                raise AssertionError(f"a test tried to connect to {address!r}: loopback only")
        return connect(self, address)

    return guarded


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _checked(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _checked(socket.socket.connect_ex))
    yield
