"""A recording fake of a platform's HTTP API, on a random 127.0.0.1 port.

Subclasses map API method names to handlers that build the platform's reply.
Every call is recorded with its parameters and arrival time, and failures can be
queued per method (for example a 429 with ``retry_after``).
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from typing_extensions import Self


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""  # as sent, for checking signatures


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeApi:
    """Base: ``handle(method, params) -> (status, body)``; subclasses define ``routes``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, list[Failure]] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = _decode(raw, self.headers.get("Content-Type", ""), self.path)
                method = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
                status, body, headers = fake._dispatch(method, params, dict(self.headers), raw)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def routes(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        raise NotImplementedError

    def fail_next(self, method: str, failure: Failure, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``failure``."""
        with self._lock:
            self._failures.setdefault(method, []).extend([failure] * times)

    def calls_to(self, method: str, **matching: Any) -> list[Call]:
        """Recorded calls of ``method`` whose parameters include ``matching``."""
        with self._lock:
            calls = list(self.calls)
        return [
            call
            for call in calls
            if call.method == method
            and all(str(call.params.get(k)) == str(v) for k, v in matching.items())
        ]

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 60, **matching: Any
    ) -> list[Call]:
        """Wait until ``count`` matching calls arrived; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method, **matching)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(
            f"expected {count} call(s) of {method} {matching}, got {self.calls_to(method)}"
        )

    def _dispatch(
        self, method: str, params: dict[str, Any], headers: dict[str, str], raw: bytes = b""
    ) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic(), headers, raw))
            queued = self._failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure is not None:
            return failure.status, failure.body, failure.headers
        handler = self.routes().get(method)
        if handler is None:
            return 404, {"ok": False, "error": f"unknown method {method}"}, {}
        return 200, handler(params), {}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer (a cancelled long poll) is not an error."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def _decode(raw: bytes, content_type: str, path: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(path.split("?", 1)[1])) if "?" in path else {}
    if not raw:
        return params
    if "json" in content_type:
        params.update(json.loads(raw))
    elif "form" in content_type:
        params.update(parse_qsl(raw.decode(), keep_blank_values=True))
    # JSON-encoded values inside forms (python-telegram-bot, slack-sdk) are decoded too.
    for key, value in list(params.items()):
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params
