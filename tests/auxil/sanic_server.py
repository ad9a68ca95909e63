"""A Sanic app served on a free 127.0.0.1 port from a forked process, for tests that need
real HTTP (status codes, headers, body limits) without the whole bot.

Forked, because Sanic 21.12 rewrites its own request-handling code ("touch-up") when
the first app starts and cannot start a second app in the same process; the child skips
the rewrite, which only removes dispatch of unused signals, in case the parent did it.
"""

from __future__ import annotations

import multiprocessing
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sanic import Sanic
from sanic.touchup import TouchUp

from tests.auxil.servers import free_port


@contextmanager
def serving(factory: Callable[[], Sanic]) -> Iterator[str]:
    """Build the app with ``factory`` in a child process and serve it until the block
    ends; yields its base URL."""
    port = free_port()

    def child() -> None:
        TouchUp._registry.clear()
        factory().run(host="127.0.0.1", port=port, access_log=False, motd=False)

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if not process.is_alive() or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the test Sanic server did not start") from None
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.join(10)
        if process.is_alive():
            process.kill()
