"""A bolt middleware that acknowledges a redelivered event without handling it again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.store.deliveries import DeliveryLog

log = logging.getLogger(__name__)


class DropRedeliveries(AsyncMiddleware):
    """Claims each ``event_id`` once; a second delivery is acknowledged and dropped.

    Slack retries an event it thinks was not acknowledged in 3 seconds (with
    ``X-Slack-Retry-Num``), and Socket Mode may resend an envelope after a
    reconnect. This runs after request verification, so a forged request cannot
    claim an id.
    """

    def __init__(self, *, deliveries: DeliveryLog, channel: str) -> None:
        self._deliveries = deliveries
        self._channel = channel

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        event_id = req.body.get("event_id")
        if isinstance(event_id, str) and not self._deliveries.first_delivery(
            self._channel, f"event:{event_id}"
        ):
            retry = req.headers.get("x-slack-retry-num", ["-"])[0]
            log.info("%s: dropped redelivery of %s (retry %s)", self._channel, event_id, retry)
            return BoltResponse(status=200, body="")
        return await next()
