"""A REST conversation: ``POST /webhooks/rest/webhook``, one message after the other.

Without a :class:`Retry` a failed request is an error and the conversation goes on.
With one, the client behaves like a careful integrator: on a connection error, a
timeout or HTTP 502/503/504 it resends the *same* message (same ``message_id``, which
Frontline's REST channel answers once) with a growing pause, until its budget is spent.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from bench.loadkit.outcomes import Sample, classify

RETRYABLE = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Retry:
    budget_s: float = 60.0  # from the first attempt
    first_pause_s: float = 0.5
    max_pause_s: float = 8.0
    attempt_timeout_s: float = 30.0

    def pause(self, attempt: int) -> float:
        return min(self.first_pause_s * 2 ** (attempt - 1), self.max_pause_s)


@dataclass(frozen=True)
class RestTarget:
    url: str
    timeout_s: float = 120.0
    retry: Retry | None = None
    think_s: float = 0.0


async def _attempt(
    session: aiohttp.ClientSession, target: RestTarget, body: dict[str, str], timeout: float
) -> tuple[int, list[str]]:
    """One request: its status (0: no response) and the texts of its replies."""
    try:
        async with session.post(
            f"{target.url}/webhooks/rest/webhook",
            json=body,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            try:  # a balancer's error page is HTML
                payload = await response.json(content_type=None)
            except ValueError:
                payload = None
            replies = payload if isinstance(payload, list) else []
            return response.status, [str(r.get("text") or "") for r in replies]
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return 0, []


async def send(
    session: aiohttp.ClientSession,
    target: RestTarget,
    sender: str,
    text: str,
    clock: Callable[[], float],
) -> Sample:
    """Send one message (and resend it, under a retry policy) until it has a reply."""
    sample = Sample(conversation=sender, text=text, started=clock(), attempts=0)
    body = {"sender": sender, "message": text, "message_id": uuid.uuid4().hex}
    began = time.perf_counter()
    retry = target.retry
    statuses: list[str] = []
    while True:
        sample.attempts += 1
        timeout = target.timeout_s
        if retry is not None:
            timeout = min(retry.attempt_timeout_s, retry.budget_s - (time.perf_counter() - began))
        status, texts = await _attempt(session, target, body, max(timeout, 1.0))
        statuses.append(str(status or "no response"))
        if retry is None or not (status == 0 or status in RETRYABLE):
            break
        pause = retry.pause(sample.attempts)
        if time.perf_counter() - began + pause >= retry.budget_s:
            break
        await asyncio.sleep(pause)
    sample.latency_ms = (time.perf_counter() - began) * 1000
    outcome = classify(texts)
    if status == 200 or (status == 503 and outcome == "busy"):
        sample.outcome = outcome
    sample.detail = " → ".join(statuses)
    return sample


async def converse(
    session: aiohttp.ClientSession,
    target: RestTarget,
    sender: str,
    script: list[str],
    clock: Callable[[], float],
    *,
    until: float | None = None,
) -> list[Sample]:
    """The script's messages in order, each once the previous one has its reply; stops
    early (between messages) once ``clock()`` passes ``until``."""
    samples = []
    for n, text in enumerate(script):
        if until is not None and clock() >= until:
            break
        if n and target.think_s:
            await asyncio.sleep(target.think_s)
        samples.append(await send(session, target, sender, text, clock))
    return samples
