"""A helpdesk that records Frontline's webhook deliveries byte for byte, on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.auxil.fake_api import FakeApi

SECRET = "helpdesk-shared-secret-0123456789"


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


class FakeHelpdesk(FakeApi):
    """Takes every event at ``/frontline``."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/frontline"

    def routes(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {"frontline": lambda params: {"ok": True}}

    def events_for(self, ticket_id: str, *, wait_for: str, timeout: float = 30) -> list[Delivery]:
        """Deliveries about ``ticket_id``, once one of event ``wait_for`` has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            mine = [
                Delivery(call.headers, call.body)
                for call in self.calls_to("frontline")
                if call.params["ticket"]["id"] == ticket_id
            ]
            if any(d.json["event"] == wait_for for d in mine) or time.monotonic() > deadline:
                return mine
            time.sleep(0.1)
