"""A fake Slack Web API that records calls; slack-sdk reaches it via ``base_url``."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.auxil.fake_api import Call, FakeApi

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
        self.users: dict[str, dict[str, Any]] = {key: dict(value) for key, value in USERS.items()}
        self._lookup_delays: dict[str, float] = {}
        self._posted_ts: list[tuple[dict[str, Any], str]] = []
        self._posts_lock = threading.Lock()
        self.socket_url = ""  # what apps.connections.open hands out (see FakeSocketMode)
        self._failing_channels: dict[str, int] = {}
        self._failure_error = "fatal_error"

    def add_user(
        self,
        user_id: str,
        *,
        display_name: str,
        tz: str | None = None,
        locale: str | None = None,
        lookup_delay: float = 0.0,
    ) -> None:
        """Make ``users.info`` know ``user_id``; ``lookup_delay`` makes it answer that late."""
        user: dict[str, Any] = {
            "id": user_id,
            "name": display_name.lower(),
            "real_name": display_name,
            "profile": {"display_name": display_name, "real_name": display_name},
        }
        if tz:
            user["tz"] = tz
        if locale:
            user["locale"] = locale
        self.users[user_id] = user
        self._lookup_delays[user_id] = lookup_delay

    def fail_posts_to(self, channel: str, times: int = 1, error: str = "fatal_error") -> None:
        """Make the next ``times`` messages posted to ``channel`` fail with ``error``."""
        with self._posts_lock:
            self._failing_channels[channel] = times
            self._failure_error = error

    def ts_of(self, call: Call) -> str:
        """The ``ts`` the fake gave the message that ``call`` (a chat.postMessage) posted."""
        with self._posts_lock:
            return next(ts for params, ts in self._posted_ts if params is call.params)

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
            "apps.connections.open": self._socket,
        }

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _socket(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.socket_url:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url}

    def _user(self, params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(self._lookup_delays.get(str(params.get("user")), 0.0))
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _posted(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = str(params.get("ts") or self._next_ts())
        with self._posts_lock:
            channel = str(params.get("channel"))
            if self._failing_channels.get(channel, 0) > 0:
                self._failing_channels[channel] -= 1
                return {"ok": False, "error": self._failure_error}
            self._posted_ts.append((params, ts))
        return {
            "ok": True,
            "channel": params.get("channel"),
            "ts": ts,
            "message": {"text": params.get("text", ""), "ts": ts, "bot_id": BOT_ID},
        }


class FakeSocketMode:
    """Slack's Socket Mode server side: a WebSocket that sends envelopes and records acks.

    Runs an aiohttp server in the caller's event loop; point ``FakeSlack.socket_url``
    at :attr:`url` so ``apps.connections.open`` hands it out.
    """

    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connections = 0
        self.disconnected = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> FakeSocketMode:
        app = web.Application()
        app.router.add_get("/link", self._serve)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"ws://127.0.0.1:{port}/link"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def connected(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not self._sockets:
            if time.monotonic() > deadline:
                raise AssertionError("the bot did not connect in Socket Mode")
            await asyncio.sleep(0.05)

    async def send(self, payload: dict[str, Any], kind: str = "events_api") -> str:
        """Send ``payload`` in an envelope to the connected bot; returns the envelope id."""
        await self.connected()
        envelope_id = f"env-{next(_envelopes)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ack in self.acks:
                if ack.get("envelope_id") == envelope_id:
                    return ack
            await asyncio.sleep(0.05)
        raise AssertionError(f"no ack for {envelope_id}; got {self.acks}")

    async def _serve(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.connections += 1
        await socket.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._sockets.append(socket)
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        self._sockets.remove(socket)
        self.disconnected.set()
        return socket


_envelopes = itertools.count(1)
