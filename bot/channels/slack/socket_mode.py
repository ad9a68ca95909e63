"""Socket Mode: Slack's events over a WebSocket the bot opens, for a host without a public URL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

HandlerFactory = Callable[..., AsyncSocketModeHandler]


class SocketModeConnection:
    """Connects when the server has started and disconnects when it stops.

    The handler is created in :meth:`open`, inside the running event loop, not
    when the channel is configured. Connecting runs in the background: slack-sdk
    keeps retrying while Slack cannot be reached, and the server must not wait
    for that to start.
    """

    def __init__(
        self,
        *,
        app: AsyncApp,
        app_token: str,
        client: AsyncWebClient,
        handler_factory: HandlerFactory = AsyncSocketModeHandler,
    ) -> None:
        self._app = app
        self._app_token = app_token
        self._client = client
        self._handler_factory = handler_factory
        self._handler: AsyncSocketModeHandler | None = None
        self._connecting: asyncio.Task[Any] | None = None

    async def open(self) -> None:
        self._handler = self._handler_factory(
            self._app, app_token=self._app_token, web_client=self._client
        )
        self._connecting = asyncio.create_task(self._handler.connect_async())
        log.info("slack: connecting in Socket Mode")

    async def close(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._connecting
            self._connecting = None
        if self._handler is not None:
            handler, self._handler = self._handler, None
            await handler.close_async()
            log.info("slack: Socket Mode connection closed")
