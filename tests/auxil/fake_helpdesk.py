"""A helpdesk that records Frontline's webhook deliveries byte for byte, on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from typing_extensions import Self

SECRET = "helpdesk-shared-secret-0123456789"


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


class FakeHelpdesk:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        desk = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with desk._lock:
                    desk.deliveries.append(Delivery(dict(self.headers), body, time.time()))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/frontline"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def events_for(self, ticket_id: str, *, wait_for: str, timeout: float = 30) -> list[Delivery]:
        """Deliveries about ``ticket_id``, once one of event ``wait_for`` has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                mine = [d for d in self.deliveries if d.json["ticket"]["id"] == ticket_id]
            if any(d.json["event"] == wait_for for d in mine) or time.monotonic() > deadline:
                return mine
            time.sleep(0.1)
