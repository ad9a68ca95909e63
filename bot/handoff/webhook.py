"""Ticket events POSTed to a helpdesk as signed JSON: an :class:`~bot.handoff.ports.AgentRelay`.

Surge alerts go the same way as ``incident.suspected`` (:meth:`WebhookRelay.incident_suspected`).

Each request carries ``X-Frontline-Signature: sha256=<hex>``, the HMAC-SHA256 of
``f"{timestamp}.{body}"`` under the shared secret, with the timestamp in
``X-Frontline-Timestamp``; :func:`verify` is the receiving side. A delivery is tried
three times on a network error, a 5xx or a 429 (honouring ``Retry-After`` up to a
cap), never on another 4xx, and never raises: a relay never stops the desk.
See ``docs/webhook.md``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.channels.redact import redact
from bot.crisis.alerts import AlertPayload
from bot.handoff.wire import message_json, ticket_json
from bot.settings import Settings, require
from bot.store.tickets import Ticket, TicketMessage

log = logging.getLogger(__name__)

SECRET_VARIABLE = "FRONTLINE_HANDOFF_WEBHOOK_SECRET"
ORIGIN = "webhook"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """``sha256=<hex>``: the HMAC-SHA256 of ``f"{timestamp}.{body}"`` under ``secret``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> bool:
    """Whether ``body`` was signed with ``secret`` less than ``tolerance`` seconds from ``now``.

    ``headers`` are matched without regard to case. The comparison takes constant
    time; a timestamp too far from ``now`` (a replay) is refused.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    timestamp = lowered.get("x-frontline-timestamp", "")
    signature = lowered.get("x-frontline-signature", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookRelay:
    """Sends every ticket event to ``url``.

    Args:
        url: The helpdesk's endpoint.
        secret: The shared secret that signs each request.
        session: The HTTP session requests go through, closed by whoever opened it; None:
            the relay opens its own on first use (in the running loop) and
            :meth:`aclose` closes it.
        attempts: Tries per event.
        backoff: Seconds before the first retry; doubled for each further one.
        max_retry_after: Longest ``Retry-After`` honoured, in seconds.
        timeout: Seconds one request may take.
        clock: Unix time, for the timestamp.
        sleep: Waits between attempts.
    """

    def __init__(
        self,
        *,
        url: str,
        secret: str,
        session: aiohttp.ClientSession | None = None,
        attempts: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 10.0,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._url = url
        self._secret = secret
        self._session = session
        self._own_session: aiohttp.ClientSession | None = None
        self._attempts = attempts
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        self._sleep = sleep
        self._host = urlsplit(url).netloc

    async def ticket_opened(self, ticket: Ticket) -> None:
        await self.send("ticket.opened", ticket_json(ticket))

    async def message_added(self, ticket: Ticket, message: TicketMessage, origin: str) -> None:
        if origin == ORIGIN:
            return  # the helpdesk sent it; it knows
        await self.send(
            "ticket.message",
            ticket_json(ticket, transcript=False),
            agent=message.name if message.author == "agent" else None,
            message=message_json(message),
            origin=origin,
        )

    async def ticket_changed(self, ticket: Ticket, event: str, agent: str | None) -> None:
        await self.send(f"ticket.{event}", ticket_json(ticket, transcript=False), agent=agent)

    async def reminder(self, ticket: Ticket, waited_minutes: int) -> None:
        data = ticket_json(ticket, transcript=False)
        await self.send("ticket.reminder", data, waited_minutes=waited_minutes)

    async def incident_suspected(self, alert: AlertPayload) -> bool:
        """A surge alert with its evidence, for the helpdesk to open a problem ticket."""
        return await self.post_event("incident.suspected", {"alert": alert})

    async def send(
        self, event: str, ticket: dict[str, Any], *, agent: str | None = None, **extra: Any
    ) -> bool:
        """POST one ticket event, retrying as the module says; True when the helpdesk took it."""
        return await self.post_event(event, {"agent": agent, "ticket": ticket, **extra})

    async def post_event(self, event: str, fields: Mapping[str, Any]) -> bool:
        """POST ``event`` with ``fields``, retrying as the module says; True when taken."""
        delivery = str(uuid.uuid4())
        payload = {
            "event": event,
            "sent_at": datetime.now(timezone.utc).isoformat(),
            "delivery": delivery,
            **fields,
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            return await self._deliver(event, delivery, body)
        except Exception as error:  # a relay never breaks the desk
            log.error("webhook: %s %s failed: %s", event, delivery, redact(repr(error)))
            return False

    async def _deliver(self, event: str, delivery: str, body: bytes) -> bool:
        problem = "no attempt made"
        for attempt in range(1, self._attempts + 1):
            wait = self._backoff * 2 ** (attempt - 1)
            try:
                status, retry_after = await self._post(event, delivery, body)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                problem = redact(repr(error))
            else:
                if 200 <= status < 300:
                    return True
                problem = f"HTTP {status}"
                if status != 429 and status < 500:
                    log.error("webhook: %s to %s refused: %s", event, self._host, problem)
                    return False
                if retry_after is not None:
                    wait = min(retry_after, self._max_retry_after)
            if attempt < self._attempts:
                log.warning(
                    "webhook: %s to %s, attempt %d: %s", event, self._host, attempt, problem
                )
                await self._sleep(wait)
        log.error("webhook: gave up on %s %s to %s: %s", event, delivery, self._host, problem)
        return False

    async def aclose(self) -> None:
        """Close the session the relay opened itself, if any."""
        if self._own_session is not None:
            session, self._own_session = self._own_session, None
            await session.close()

    def _http(self) -> aiohttp.ClientSession:
        if self._session is not None:
            return self._session
        if self._own_session is None or self._own_session.closed:
            self._own_session = aiohttp.ClientSession()
        return self._own_session

    async def _post(self, event: str, delivery: str, body: bytes) -> tuple[int, float | None]:
        timestamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Frontline-Webhook/1",
            "X-Frontline-Event": event,
            "X-Frontline-Delivery": delivery,
            "X-Frontline-Timestamp": timestamp,
            "X-Frontline-Signature": sign(self._secret, timestamp, body),
        }
        async with self._http().post(
            self._url, data=body, headers=headers, timeout=self._timeout, allow_redirects=False
        ) as response:
            await response.read()
            return response.status, _seconds(response.headers.get("Retry-After"))


def build_webhook_relay(
    settings: Settings, session: aiohttp.ClientSession | None = None
) -> WebhookRelay | None:
    """The relay the settings ask for; None when no webhook URL is set.

    Raises:
        MissingCredentialError: A URL is set without ``FRONTLINE_HANDOFF_WEBHOOK_SECRET``.
    """
    url = settings.handoff_webhook_url.strip()
    if not url:
        return None
    secret = require(
        settings.handoff_webhook_secret, SECRET_VARIABLE, "The handoff webhook (signing requests)"
    )
    return WebhookRelay(url=url, secret=secret, session=session)


def _seconds(value: str | None) -> float | None:
    """A ``Retry-After`` in seconds; None when absent or an HTTP date (then the backoff applies)."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None
