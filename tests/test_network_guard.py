"""The suite's network guard refuses anything but loopback, and lets loopback through."""

from __future__ import annotations

import socket

import pytest


def test_a_connection_to_the_internet_fails_the_test() -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match="loopback only"):
        sock.connect(("93.184.216.34", 80))


def test_loopback_is_allowed() -> None:
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client.connect(server.getsockname())
