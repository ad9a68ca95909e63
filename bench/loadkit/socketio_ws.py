"""A minimal socket.io v5 client over one engine.io v4 WebSocket (aiohttp).

python-socketio's ``AsyncClient`` cannot use WebSockets with this venv's aiohttp 3.9
(its engine.io client asks for ``aiohttp.ClientWSTimeout``, new in 3.10), and long
polling needs sticky sessions behind a balancer. The widget speaks WebSocket first, so
this speaks it too: text packets ``0{..}`` open, ``40`` connect, ``42[event, data]``
events, ``42<id>[..]``/``43<id>[..]`` acknowledgements, ``2``/``3`` ping and pong.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from typing import Any

import aiohttp

Handler = Callable[[str, Any], None]


class SocketIOError(Exception):
    """The socket closed, or the server refused the connection."""


class SocketIO:
    """One connected socket on the default namespace; events go to ``on_event``."""

    def __init__(self, *, ws: aiohttp.ClientWebSocketResponse, on_event: Handler) -> None:
        self._ws = ws
        self._on_event = on_event
        self._ids = itertools.count()
        self._acks: dict[int, asyncio.Future[list[Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def connect(
        cls, session: aiohttp.ClientSession, url: str, path: str, *, on_event: Handler,
        timeout: float = 30.0,
    ) -> SocketIO:  # fmt: skip
        address = url.replace("http", "ws", 1) + f"{path}/?EIO=4&transport=websocket"
        ws = await session.ws_connect(address, timeout=timeout, autoping=True)
        try:
            opened = await ws.receive_str(timeout=timeout)
            if not opened.startswith("0"):
                raise SocketIOError(f"expected an engine.io open packet, got {opened[:80]!r}")
            await ws.send_str("40")
            connected = await ws.receive_str(timeout=timeout)
            if not connected.startswith("40"):
                raise SocketIOError(f"socket.io refused the connection: {connected[:200]!r}")
        except BaseException:
            await ws.close()
            raise
        socket = cls(ws=ws, on_event=on_event)
        socket._reader = asyncio.create_task(socket._read())
        return socket

    async def call(self, event: str, data: Any, *, timeout: float) -> list[Any]:
        """Emit ``event`` and wait for the server's acknowledgement (its arguments)."""
        ack_id = next(self._ids)
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        try:
            await self._ws.send_str(f"42{ack_id}" + json.dumps([event, data]))
            return await asyncio.wait_for(future, timeout)
        finally:
            self._acks.pop(ack_id, None)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._ws.send_str("41")
        await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                await self._packet(message.data)
        finally:
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(SocketIOError("the socket closed"))

    async def _packet(self, packet: str) -> None:
        if packet == "2":
            await self._ws.send_str("3")
        elif packet.startswith("42"):
            name, *args = json.loads(packet[2:].lstrip("0123456789"))
            self._on_event(name, args[0] if args else None)
        elif packet.startswith("43"):
            digits = len(packet) - len(packet[2:].lstrip("0123456789"))
            future = self._acks.get(int(packet[2:digits]))
            if future is not None and not future.done():
                future.set_result(json.loads(packet[digits:]))
        elif packet.startswith(("1", "41")):
            await self._ws.close()
