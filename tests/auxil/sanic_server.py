"""A Sanic app served on a 127.0.0.1 port from a forked process, for tests that need
real HTTP (status codes, headers, body limits, a server that dies) without the bot.

Forked, because Sanic 21.12 rewrites its own request-handling code ("touch-up") when
the first app starts and cannot start a second app in the same process; when the parent
already did it, the child skips the rewrite (it only removes dispatch of unused signals).
"""

from __future__ import annotations

import multiprocessing
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess

from sanic import Sanic
from sanic.touchup import TouchUp

from tests.auxil.servers import free_port


def start_app(factory: Callable[[], Sanic], port: int) -> BaseProcess:
    """Build the app with ``factory`` in a child process serving ``port``; returns once
    the port accepts connections."""

    def child() -> None:
        if any(getattr(target, "__touched__", False) for target, _ in TouchUp._registry):
            TouchUp._registry.clear()
        factory().run(host="127.0.0.1", port=port, access_log=False, motd=False)

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if not process.is_alive() or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the test Sanic server did not start") from None
            time.sleep(0.05)


def stop_app(process: BaseProcess) -> None:
    process.terminate()
    process.join(10)
    if process.is_alive():
        process.kill()
        process.join(10)


@contextmanager
def serving(factory: Callable[[], Sanic], *, port: int | None = None) -> Iterator[str]:
    """Serve the app ``factory`` builds until the block ends; yields its base URL."""
    port = port or free_port()
    process = start_app(factory, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(process)
