"""The outgoing webhook against a local recording helpdesk: signatures, retries, no raising."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.crisis.alerts import SurgeAlert
from bot.crisis.baseline import AngerBaseline, Baseline
from bot.crisis.topics import Topic
from bot.handoff.webhook import WebhookRelay, build_webhook_relay, sign, verify
from bot.settings import MissingCredentialError, Settings
from bot.store.tickets import Ticket, TicketMessage
from tests.auxil.servers import free_port
from tests.auxil.tickets import make_ticket

SECRET = "whsec-test-0123456789"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def ticket(**changes: object) -> Ticket:
    fields: dict[str, object] = {
        "reasons": [{"signal": "anger", "message": 1, "evidence": "LÄCHERLICH", "score": 0.9}],
        "sentiment": [{"message": 1, "at": T0.isoformat(), "anger": 0.9}],
        "profile": {"platform": "telegram", "user_id": "42", "display_name": "Ana"},
        "summary": "Paket fehlt",
        "transcript": [TicketMessage(T0, "customer", "Wo ist mein Paket?")],
    }
    fields.update(changes)
    return make_ticket(**fields)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, object]:
        return dict(json.loads(self.body))


@dataclass
class Helpdesk:
    """A recording receiver; ``answers`` are the statuses (and headers) to give, in turn."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    hang_up: int = 0  # drop this many connections without answering first

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.hang_up:
            self.hang_up -= 1
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        self.requests.append(Received(dict(request.headers), body))
        status, headers = self.answers.pop(0) if self.answers else (200, {})
        return web.Response(status=status, headers=headers, text="{}")


@asynccontextmanager
async def helpdesk() -> AsyncIterator[Helpdesk]:
    desk = Helpdesk()
    app = web.Application()
    app.router.add_post("/hooks/frontline", desk.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    desk.url = f"http://127.0.0.1:{port}/hooks/frontline"
    try:
        yield desk
    finally:
        await runner.cleanup()


class Sleeps:
    """Records the waits between attempts instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def run_relay(
    scenario: Callable[[WebhookRelay], Awaitable[object]],
    *,
    answers: Sequence[tuple[int, dict[str, str]]] = (),
    hang_up: int = 0,
) -> tuple[Helpdesk, Sleeps]:
    sleeps = Sleeps()

    async def main() -> Helpdesk:
        async with helpdesk() as desk, aiohttp.ClientSession() as session:
            desk.answers, desk.hang_up = list(answers), hang_up
            relay = WebhookRelay(url=desk.url, secret=SECRET, session=session, sleep=sleeps)
            await scenario(relay)
            return desk

    return asyncio.run(main()), sleeps


def test_a_new_ticket_is_posted_signed_with_its_context_and_transcript() -> None:
    desk, _ = run_relay(lambda relay: relay.ticket_opened(ticket()))
    [request] = desk.requests
    headers = request.headers
    assert headers["X-Frontline-Event"] == "ticket.opened"
    assert verify(SECRET, headers, request.body, now=time.time())
    payload = request.json
    assert payload["event"] == "ticket.opened" and payload["agent"] is None
    assert payload["delivery"] == headers["X-Frontline-Delivery"]
    assert datetime.fromisoformat(str(payload["sent_at"])).tzinfo is not None
    sent = payload["ticket"]
    assert isinstance(sent, dict)
    assert sent["id"] == "t-1" and sent["reasons"][0]["evidence"] == "LÄCHERLICH"
    assert sent["transcript"] == [
        {"at": T0.isoformat(), "author": "customer", "name": None, "text": "Wo ist mein Paket?"}
    ]
    expected = sign(SECRET, headers["X-Frontline-Timestamp"], request.body)
    assert headers["X-Frontline-Signature"] == expected


def test_a_tampered_body_a_wrong_secret_or_an_old_timestamp_is_rejected() -> None:
    desk, _ = run_relay(lambda relay: relay.ticket_opened(ticket()))
    [request] = desk.requests
    stamp = int(request.headers["X-Frontline-Timestamp"])
    assert verify(SECRET, request.headers, request.body, now=stamp + 299)
    tampered = request.body.replace(b"Paket fehlt", b"Paket da!!")
    assert not verify(SECRET, request.headers, tampered, now=stamp)
    assert not verify("another-secret", request.headers, request.body, now=stamp)
    assert not verify(SECRET, request.headers, request.body, now=stamp + 301)  # a replay
    lower = {key.lower(): value for key, value in request.headers.items()}
    assert verify(SECRET, lower, request.body, now=stamp)
    assert not verify(SECRET, {}, request.body, now=stamp)
    old_stamp = {**request.headers, "X-Frontline-Timestamp": str(stamp - 3600)}
    old_stamp["X-Frontline-Signature"] = sign(SECRET, stamp - 3600, request.body)
    assert not verify(SECRET, old_stamp, request.body, now=stamp)


def test_messages_changes_and_reminders_name_their_event() -> None:
    said = TicketMessage(T0, "agent", "Ich schaue nach", name="Alice")

    async def scenario(relay: WebhookRelay) -> None:
        await relay.message_added(ticket(), said, "slack")
        await relay.message_added(ticket(), said, "webhook")  # the helpdesk's own: not echoed
        await relay.ticket_changed(ticket(status="claimed", claimed_by="Alice"), "claimed", "Alice")
        await relay.ticket_changed(ticket(status="resolved"), "resolved", "Alice")
        await relay.ticket_changed(ticket(status="returned"), "returned", "Alice")
        await relay.ticket_changed(ticket(status="resolved", csat=4), "rated", None)
        await relay.reminder(ticket(), 15)

    desk, _ = run_relay(scenario)
    events = [r.json["event"] for r in desk.requests]
    assert events == [
        "ticket.message",
        "ticket.claimed",
        "ticket.resolved",
        "ticket.returned",
        "ticket.rated",
        "ticket.reminder",
    ]
    message = desk.requests[0].json
    assert message["message"] == {
        "at": T0.isoformat(),
        "author": "agent",
        "name": "Alice",
        "text": "Ich schaue nach",
    }
    assert message["agent"] == "Alice" and "transcript" not in message["ticket"]  # type: ignore[operator]
    assert desk.requests[1].json["agent"] == "Alice"
    assert desk.requests[4].json["ticket"]["csat"] == 4  # type: ignore[index]
    assert desk.requests[5].json["waited_minutes"] == 15
    assert len({r.headers["X-Frontline-Delivery"] for r in desk.requests}) == 6


def test_a_surge_alert_is_posted_signed_as_incident_suspected() -> None:
    alert = SurgeAlert(
        topic=Topic("keywords", "outage"),
        reasons=("volume",),
        at=T0,
        window_start=T0,
        count=42,
        baseline=Baseline(samples=(3, 4, 2, 5), median=3.5, mad=1.0, scale=1.48),
        z=26.0,
        angry=9,
        anger=AngerBaseline(angry=10, messages=200),
        anger_z=4.2,
        examples=("the app is down again <redacted>",),
        channels={"telegram": 30, "web": 12},
    ).payload()

    desk, _ = run_relay(lambda relay: relay.incident_suspected(alert))

    [request] = desk.requests
    assert request.headers["X-Frontline-Event"] == "incident.suspected"
    assert verify(SECRET, request.headers, request.body, now=time.time())
    payload = request.json
    assert payload["event"] == "incident.suspected" and "ticket" not in payload
    assert (
        payload["alert"] == alert and payload["delivery"] == request.headers["X-Frontline-Delivery"]
    )


def test_a_server_error_is_retried_with_backoff_then_delivered() -> None:
    outcome: list[bool] = []

    async def scenario(relay: WebhookRelay) -> None:
        outcome.append(await relay.send("ticket.opened", {"id": "t-1"}))

    desk, sleeps = run_relay(scenario, answers=[(500, {}), (503, {}), (200, {})])
    assert outcome == [True] and len(desk.requests) == 3
    assert sleeps.waits == [0.5, 1.0]
    assert len({r.headers["X-Frontline-Delivery"] for r in desk.requests}) == 1
    for request in desk.requests:
        assert verify(SECRET, request.headers, request.body, now=time.time())


def test_too_many_requests_waits_as_asked_within_a_cap() -> None:
    answers = [(429, {"Retry-After": "3"}), (429, {"Retry-After": "3600"}), (204, {})]
    desk, sleeps = run_relay(lambda relay: relay.reminder(ticket(), 5), answers=answers)
    assert len(desk.requests) == 3 and sleeps.waits == [3.0, 10.0]


def test_a_client_error_is_not_retried_and_nothing_is_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    outcome: list[bool] = []

    async def scenario(relay: WebhookRelay) -> None:
        outcome.append(await relay.send("ticket.opened", {"id": "t-1"}))

    desk, sleeps = run_relay(scenario, answers=[(400, {})])
    assert outcome == [False] and len(desk.requests) == 1 and sleeps.waits == []
    assert "HTTP 400" in caplog.text


def test_giving_up_after_three_attempts_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    desk, sleeps = run_relay(lambda relay: relay.ticket_opened(ticket()), answers=[(502, {})] * 5)
    assert len(desk.requests) == 3 and len(sleeps.waits) == 2
    assert "gave up on ticket.opened" in caplog.text


def test_a_dropped_connection_is_retried() -> None:
    desk, sleeps = run_relay(lambda relay: relay.ticket_opened(ticket()), hang_up=1)
    assert len(desk.requests) == 1 and len(sleeps.waits) == 1


def test_an_unreachable_helpdesk_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    sleeps = Sleeps()

    async def main() -> None:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{free_port()}/nobody?token=ana@example.com"
            relay = WebhookRelay(url=url, secret=SECRET, session=session, sleep=sleeps)
            await relay.ticket_opened(ticket())
            await relay.message_added(ticket(), TicketMessage(T0, "customer", "hi"), "telegram")

    asyncio.run(main())
    assert len(sleeps.waits) == 4
    assert "gave up" in caplog.text and "ana@example.com" not in caplog.text


def test_the_relay_opens_its_own_session_when_given_none() -> None:
    async def main() -> Helpdesk:
        async with helpdesk() as desk:
            relay = WebhookRelay(url=desk.url, secret=SECRET)
            await relay.ticket_opened(ticket())
            await relay.aclose()
            return desk

    assert len(asyncio.run(main()).requests) == 1


def test_built_from_the_settings(tmp_path: Path) -> None:
    def settings(**values: object) -> Settings:
        return Settings(var_dir=tmp_path, **values)  # type: ignore[arg-type]

    assert build_webhook_relay(settings()) is None
    with pytest.raises(MissingCredentialError) as error:
        build_webhook_relay(settings(handoff_webhook_url="https://desk.example/hook"))
    assert error.value.variable == "FRONTLINE_HANDOFF_WEBHOOK_SECRET"
    assert "FRONTLINE_HANDOFF_WEBHOOK_SECRET" in str(error.value)
    relay = build_webhook_relay(
        settings(handoff_webhook_url="https://desk.example/hook", handoff_webhook_secret="s3cret")
    )
    assert isinstance(relay, WebhookRelay)
