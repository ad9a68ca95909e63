"""A widget conversation over socket.io, as the page's chat.js holds it.

``session_request`` (acknowledged with the session id), then each message as
``user_uttered`` with an id; the server acknowledges it once the turn is done and sends
the replies to the session's room as ``bot_uttered``. Under several replicas the replies
travel through Redis and may arrive just after the acknowledgement, so a message counts
as answered once both the acknowledgement and its first reply are in.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.loadkit.outcomes import Sample, classify
from bench.loadkit.socketio_ws import SocketIO, SocketIOError

SOCKETIO_PATH = "/chat/socket.io"
REPLY_GRACE_S = 10.0  # after the acknowledgement, for replies relayed through Redis


@dataclass
class _Inbox:
    """What the server sent this socket since the last message."""

    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def take(self, name: str, data: Any) -> None:
        if name == "bot_uttered" and isinstance(data, dict):
            self.texts.append(str(data.get("text") or ""))
            self.arrived.set()
        elif name == "error" and isinstance(data, dict):
            self.errors.append(str(data.get("code") or ""))
            self.texts.append(str(data.get("text") or ""))
            self.arrived.set()

    def clear(self) -> None:
        self.texts.clear()
        self.errors.clear()
        self.arrived.clear()


async def _utter(
    socket: SocketIO, inbox: _Inbox, text: str, locale: str, timeout: float
) -> tuple[str, str]:
    """One message: the outcome's detail (the receipt's status) and ``ok``/why not."""
    inbox.clear()
    payload = {"id": uuid.uuid4().hex, "text": text, "metadata": {"locale": locale}}
    try:
        ack = await socket.call("user_uttered", payload, timeout=timeout)
    except (asyncio.TimeoutError, SocketIOError, aiohttp.ClientError) as error:
        return "", type(error).__name__
    status = str(ack[0].get("status")) if ack and isinstance(ack[0], dict) else "?"
    if not inbox.arrived.is_set():
        try:
            await asyncio.wait_for(inbox.arrived.wait(), REPLY_GRACE_S)
        except asyncio.TimeoutError:
            return status, "no reply"
    return status, "ok"


async def converse(
    session: aiohttp.ClientSession,
    url: str,
    script: list[str],
    clock: Callable[[], float],
    *,
    locale: str = "en",
    timeout: float = 120.0,
) -> list[Sample]:
    """Open a widget session and send the script's messages, each after its answer."""
    inbox = _Inbox()
    started = clock()
    try:
        socket = await SocketIO.connect(session, url, SOCKETIO_PATH, on_event=inbox.take)
    except aiohttp.WSServerHandshakeError as error:
        why = f"connect: HTTP {error.status} {error.message}"[:200]
        return [Sample("", t, started, detail=why) for t in script]
    except (asyncio.TimeoutError, SocketIOError, aiohttp.ClientError) as error:
        return [Sample("", t, started, detail=f"connect: {error!r}"[:200]) for t in script]
    samples = []
    try:
        confirm = await socket.call("session_request", {"session_id": None}, timeout=timeout)
        session_id = confirm[0]["session_id"]
        sender = f"web-{session_id}"
        for text in script:
            sample = Sample(sender, text, clock())
            began = time.perf_counter()
            status, how = await _utter(socket, inbox, text, locale, timeout)
            sample.latency_ms = (time.perf_counter() - began) * 1000
            sample.detail = f"{status} {how}".strip()
            if how == "ok":
                sample.outcome = classify(inbox.texts)
            elif status:
                sample.outcome = "empty"
            samples.append(sample)
    except (asyncio.TimeoutError, SocketIOError, aiohttp.ClientError, KeyError) as error:
        done = len(samples)
        samples += [Sample("", t, clock(), detail=repr(error)[:200]) for t in script[done:]]
    finally:
        await socket.close()
    return samples
