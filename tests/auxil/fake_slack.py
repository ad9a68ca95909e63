"""A fake Slack Web API that records calls; slack-sdk reaches it via ``base_url``."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from tests.auxil.fake_api import FakeApi

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-fake"
TEAM_ID = "T0FRONTLINE"
BOT_USER_ID = "UBOTFRONT"
BOT_ID = "BBOTFRONT"

USERS: dict[str, dict[str, Any]] = {
    "UCUSTOMER1": {
        "id": "UCUSTOMER1",
        "name": "ana",
        "real_name": "Ana Example",
        "tz": "America/Los_Angeles",
        "locale": "en-US",
        "profile": {"display_name": "Ana", "real_name": "Ana Example"},
    },
    "UCUSTOMER2": {
        "id": "UCUSTOMER2",
        "name": "jonas",
        "real_name": "Jonas Beispiel",
        "tz": "Europe/Berlin",
        "locale": "de-DE",
        "profile": {"display_name": "Jonas", "real_name": "Jonas Beispiel"},
    },
}


class FakeSlack(FakeApi):
    def __init__(self) -> None:
        super().__init__()
        self._ts = itertools.count(1)

    @property
    def base_url(self) -> str:
        """What to pass as slack-sdk's ``base_url``."""
        return f"http://127.0.0.1:{self.port}/api/"

    def routes(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "auth.test": lambda p: {
                "ok": True,
                "url": "https://frontline-test.slack.com/",
                "team": "Frontline Test",
                "user": "frontline",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            },
            "users.info": self._user,
            "chat.postMessage": self._posted,
            "chat.update": self._posted,
            "chat.postEphemeral": lambda p: {"ok": True, "message_ts": self._next_ts()},
        }

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _user(self, params: dict[str, Any]) -> dict[str, Any]:
        user = USERS.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _posted(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = str(params.get("ts") or self._next_ts())
        return {
            "ok": True,
            "channel": params.get("channel"),
            "ts": ts,
            "message": {"text": params.get("text", ""), "ts": ts, "bot_id": BOT_ID},
        }
