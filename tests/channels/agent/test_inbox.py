"""The agent inbox channel, served by a real Sanic app on a free local port.

Real pieces: the accounts file, the sessions and tickets on a SQLite file, the
HTTP server. The AgentDesk is a recording fake: what the inbox asks of it is what
is checked. The clock is a fake too, so session expiry takes no waiting.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from sanic import Sanic

from bot.channels.agent import AgentInboxInput
from bot.handoff.accounts import AccountsFile, add_agent
from bot.handoff.wire import ticket_json
from bot.store.agent_sessions import AgentSessions
from bot.store.db import create_database, session_factory
from bot.store.tickets import Ticket, TicketError, TicketMessage, Tickets
from tests.auxil.servers import free_port

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
API_TOKEN = "helpdesk-token-0123456789"
INBOX = {"X-Frontline-Inbox": "1"}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RecordingDesk:
    """Records each agent action; raises ``fail`` instead when it is set."""

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    apps: list[Sanic] = field(default_factory=list)
    fail: Exception | None = None

    async def reply(self, ticket_id: str, *, agent: str, text: str, origin: str) -> None:
        self._record("reply", ticket_id, agent=agent, text=text, origin=origin)

    async def claim(self, ticket_id: str, *, agent: str, origin: str) -> None:
        self._record("claim", ticket_id, agent=agent, origin=origin)

    async def close(self, ticket_id: str, *, agent: str, returned: bool, origin: str) -> None:
        self._record("close", ticket_id, agent=agent, returned=returned, origin=origin)

    def _record(self, action: str, ticket_id: str, **details: Any) -> None:
        if self.fail is not None:
            raise self.fail
        self.calls.append((action, ticket_id, details))


class ServedApp:
    """A Sanic app serving on 127.0.0.1 from its own thread and event loop."""

    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.port = free_port()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def __enter__(self) -> str:
        self._thread.start()
        assert self._ready.wait(20), "the test server did not start"
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._serve())
        self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = await self.app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        await server.before_start()
        await server.after_start()
        self._ready.set()
        await self._stop.wait()
        await server.before_stop()
        server.close()
        await server.wait_closed()
        for connection in list(server.connections):  # as Sanic's own shutdown drains them
            connection.close_if_idle()
        for _ in range(50):
            if not server.connections:
                break
            await asyncio.sleep(0.02)
        for connection in list(server.connections):
            connection.abort()
        await server.after_stop()


@dataclass
class Inbox:
    url: str
    desk: RecordingDesk
    tickets: Tickets
    clock: Clock
    ticket: Ticket
    agents_file: Path

    def login(self, name: str = "Ana M", password: str = PASSWORD) -> dict[str, str]:
        """Log in as the page does; the cookie header for later requests."""
        reply = requests.post(
            f"{self.url}/login", json={"name": name, "password": password}, headers=INBOX
        )
        assert reply.status_code == 200, reply.text
        return {"Cookie": f"frontline_agent={reply.cookies['frontline_agent']}"}


_apps = iter(range(10_000))


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets Sanic start more than one app in this process."""
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Inbox]]:
    """``serve(**channel_options)``: an inbox with agent "Ana M" (password and token),
    one open ticket, at ``/agent`` on a running server."""
    stack: list[ServedApp] = []

    def start(*, accounts: bool = True, **options: Any) -> Inbox:
        database = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
        tickets, clock, desk = Tickets(sessions=database), Clock(), RecordingDesk()
        agents_file = tmp_path / "agents.yml"
        if accounts:
            add_agent(agents_file, "Ana M", password=PASSWORD, token=API_TOKEN)
        channel = AgentInboxInput(
            accounts=AccountsFile(agents_file),
            sessions=AgentSessions(sessions=database),
            tickets=tickets,
            desk=lambda app: desk.apps.append(app) or desk,  # type: ignore[func-returns-value]
            clock=clock,
            session_hours=8,
            **options,
        )
        app = Sanic(f"agent_inbox_test_{next(_apps)}")

        async def customer(_: object) -> None:
            raise AssertionError("an agent's request reached Rasa")

        app.blueprint(channel.blueprint(customer), url_prefix=channel.url_prefix())
        served = ServedApp(app)
        stack.append(served)
        return Inbox(
            url=served.__enter__() + "/agent",
            desk=desk,
            tickets=tickets,
            clock=clock,
            ticket=open_ticket(tickets),
            agents_file=agents_file,
        )

    yield start
    for served in stack:
        served.__exit__()


@pytest.fixture
def inbox(serve: Callable[..., Inbox]) -> Inbox:
    return serve()


def open_ticket(tickets: Tickets, sender_id: str = "telegram-42", **changes: Any) -> Ticket:
    fields: dict[str, Any] = {
        "sender_id": sender_id,
        "channel": "telegram",
        "language": "de",
        "reasons": [{"signal": "anger", "message": 1, "evidence": "strong anger", "score": 0.93}],
        "profile": {"display_name": "Ana", "user_id": "42", "locale_hint": "de"},
        "transcript": [
            TicketMessage(T0, "customer", "Wo ist mein Paket?"),
            TicketMessage(T0 + timedelta(seconds=2), "bot", "<b>Sobald</b> ..."),
        ],
        "sentiment": [{"message": 0, "anger": 0.1}, {"message": 1, "anger": 0.93}],
        "faq_tried": [{"id": "track-order", "score": 0.91}],
        "summary": "Wo ist mein Paket?",
        **changes,
    }
    return tickets.open(**fields)


def api_routes(ticket_id: str) -> list[tuple[str, str]]:
    base = f"/api/tickets/{ticket_id}"
    return [
        ("GET", "/api/me"),
        ("GET", "/api/tickets"),
        ("GET", "/api/tickets?status=resolved,returned"),
        ("GET", base),
        ("POST", f"{base}/reply"),
        ("POST", f"{base}/claim"),
        ("POST", f"{base}/resolve"),
        ("POST", f"{base}/return"),
        ("POST", "/logout"),
        ("GET", "/api/anything-else"),
    ]


def assert_unauthorized(reply: requests.Response) -> None:
    assert reply.status_code == 401, (reply.request.url, reply.text)
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert reply.headers["Cache-Control"] == "no-store"
    assert set(reply.json()) == {"error"}


# ---- the page ------------------------------------------------------------------------------


def test_the_page_runs_no_inline_script_and_forbids_framing(inbox: Inbox) -> None:
    reply = requests.get(inbox.url)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/html")
    policy = reply.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    html = reply.text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I)
    assert scripts and all(
        'src="/agent/static/' in attrs and not body.strip() for attrs, body in scripts
    )
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I)  # no inline handlers
    assert not re.search(r"https?://", html)  # nothing from a CDN
    for element in ("login-name", "login-password", "login-submit", "login-error", "logout",
                    "ticket-detail", "ticket-summary", "transcript", "reply-text", "reply-send",
                    "claim", "resolve", "return", "inbox-status"):  # fmt: skip
        assert f'id="{element}"' in html, element


def test_the_script_and_style_are_served_and_nothing_else(inbox: Inbox) -> None:
    script = requests.get(f"{inbox.url}/static/inbox.js")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    assert ".innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    assert "X-Frontline-Inbox" in script.text
    assert requests.get(f"{inbox.url}/static/inbox.css").status_code == 200
    for name in ("inbox.html", "..%2Fchannel.py", "secrets.yml"):
        assert requests.get(f"{inbox.url}/static/{name}").status_code == 404


# ---- who may ask ---------------------------------------------------------------------------


def test_every_api_route_needs_a_login_or_a_token(inbox: Inbox) -> None:
    for method, path in api_routes(inbox.ticket.id):
        assert_unauthorized(requests.request(method, inbox.url + path, headers=INBOX, json={}))
    assert inbox.desk.calls == []


def test_a_customer_cannot_read_tickets_with_a_forged_cookie_or_a_session_as_token(
    inbox: Inbox,
) -> None:
    session_cookie = inbox.login()["Cookie"]
    session_token = session_cookie.split("=", 1)[1]
    forged = [
        {"Cookie": "frontline_agent=forged"},
        {"Cookie": f"frontline_agent={session_token[:-1]}x"},
        {"Cookie": f"frontline_web={session_token}"},  # a cookie of another name
        {"Authorization": f"Bearer {session_token}"},  # a login is not an API token
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {API_TOKEN}", "Cookie": session_cookie},  # a bad header wins
    ]
    for headers in forged:
        for method, path in api_routes(inbox.ticket.id):
            reply = requests.request(method, inbox.url + path, headers={**headers, **INBOX})
            assert_unauthorized(reply)
    assert inbox.desk.calls == []


def test_a_wrong_password_or_unknown_name_is_refused_without_a_cookie(inbox: Inbox) -> None:
    for name, password in (("Ana M", "wrong"), ("nobody", PASSWORD), ("ana m", PASSWORD)):
        reply = requests.post(f"{inbox.url}/login", json={"name": name, "password": password})
        assert reply.status_code == 401 and "wrong name or password" in reply.json()["error"]
        assert "frontline_agent" not in reply.cookies


def test_a_login_must_be_json(inbox: Inbox) -> None:
    form = requests.post(f"{inbox.url}/login", data={"name": "Ana M", "password": PASSWORD})
    assert form.status_code == 400
    missing = requests.post(f"{inbox.url}/login", json={"name": "Ana M"})
    assert missing.status_code == 400


def test_without_any_account_login_says_how_to_create_one(serve: Callable[..., Inbox]) -> None:
    inbox = serve(accounts=False)
    reply = requests.post(f"{inbox.url}/login", json={"name": "Ana M", "password": PASSWORD})
    assert reply.status_code == 503
    assert "frontline agents add" in reply.json()["error"]
    add_agent(inbox.agents_file, "Ana M", password=PASSWORD)  # no restart needed
    assert "Cookie" in inbox.login()


def test_guessing_is_slowed_per_name_and_address(inbox: Inbox) -> None:
    for _ in range(10):
        wrong = requests.post(f"{inbox.url}/login", json={"name": "Ana M", "password": "guess"})
        assert wrong.status_code == 401
    blocked = requests.post(f"{inbox.url}/login", json={"name": "Ana M", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    inbox.clock.now += timedelta(minutes=5, seconds=1)
    assert "Cookie" in inbox.login()


# ---- a logged-in agent ---------------------------------------------------------------------


def test_login_sets_a_strict_http_only_cookie_for_the_inbox_only(inbox: Inbox) -> None:
    reply = requests.post(f"{inbox.url}/login", json={"name": "Ana M", "password": PASSWORD})
    assert reply.status_code == 200 and reply.json() == {"agent": "Ana M"}
    cookie = reply.headers["Set-Cookie"]
    assert cookie.startswith("frontline_agent=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/agent", "Max-Age=28800"):
        assert attribute.lower() in cookie.lower(), attribute
    assert "secure" not in cookie.lower()


def test_behind_https_the_cookie_is_secure(serve: Callable[..., Inbox]) -> None:
    inbox = serve(cookie_secure=True)
    reply = requests.post(f"{inbox.url}/login", json={"name": "Ana M", "password": PASSWORD})
    assert "secure" in reply.headers["Set-Cookie"].lower()


def test_a_logged_in_agent_sees_the_queue_and_a_tickets_context(inbox: Inbox) -> None:
    cookie = inbox.login()
    queued = open_ticket(inbox.tickets, "web-7", due_at=T0 + timedelta(hours=14))
    closed = open_ticket(inbox.tickets, "slack-T1-U1")
    inbox.tickets.resolve(closed.id)

    me = requests.get(f"{inbox.url}/api/me", headers=cookie)
    assert me.json() == {"agent": "Ana M", "via": "cookie"}

    listing = requests.get(f"{inbox.url}/api/tickets", headers=cookie)
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    expected = [inbox.tickets.get(inbox.ticket.id), inbox.tickets.get(queued.id)]
    assert listing.json() == {
        "tickets": [ticket_json(t, transcript=False) for t in expected if t is not None]
    }
    assert [t["status"] for t in listing.json()["tickets"]] == ["open", "queued"]
    assert listing.json()["tickets"][1]["due_at"] == (T0 + timedelta(hours=14)).isoformat()

    old = requests.get(f"{inbox.url}/api/tickets?status=resolved,returned", headers=cookie)
    assert [t["id"] for t in old.json()["tickets"]] == [closed.id]
    bad = requests.get(f"{inbox.url}/api/tickets?status=deleted", headers=cookie)
    assert bad.status_code == 400

    detail = requests.get(f"{inbox.url}/api/tickets/{inbox.ticket.id}", headers=cookie).json()
    assert detail["reasons"][0]["evidence"] == "strong anger"
    assert detail["faq_tried"] == [{"id": "track-order", "score": 0.91}]
    assert [(m["author"], m["text"]) for m in detail["transcript"]] == [
        ("customer", "Wo ist mein Paket?"),
        ("bot", "<b>Sobald</b> ..."),
    ]
    missing = requests.get(f"{inbox.url}/api/tickets/no-such-ticket", headers=cookie)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("action", "body", "expected"),
    [
        ("reply", {"text": "  Hallo Ana!\n"}, ("reply", {"text": "Hallo Ana!"})),
        ("claim", None, ("claim", {})),
        ("resolve", None, ("close", {"returned": False})),
        ("return", None, ("close", {"returned": True})),
    ],
)  # fmt: skip
def test_actions_reach_the_desk_as_the_agent_from_the_inbox(
    inbox: Inbox, action: str, body: dict[str, str] | None, expected: tuple[str, dict[str, Any]]
) -> None:
    cookie = inbox.login()
    reply = requests.post(
        f"{inbox.url}/api/tickets/{inbox.ticket.id}/{action}",
        json=body,
        headers={**cookie, **INBOX},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["ticket"]["id"] == inbox.ticket.id
    kind, details = expected
    assert inbox.desk.calls == [
        (kind, inbox.ticket.id, {"agent": "Ana M", **details, "origin": "inbox"})
    ]
    assert len(inbox.desk.apps) == 1 and inbox.desk.apps[0].name.startswith("agent_inbox_test")


def test_a_cookie_change_without_the_inbox_header_is_forbidden(inbox: Inbox) -> None:
    cookie = inbox.login()
    for action in ("reply", "claim", "resolve", "return"):
        for headers in (cookie, {**cookie, "X-Frontline-Inbox": "0"}):
            reply = requests.post(
                f"{inbox.url}/api/tickets/{inbox.ticket.id}/{action}",
                json={"text": "hi"},
                headers=headers,
            )
            assert reply.status_code == 403, action
    assert requests.post(f"{inbox.url}/logout", headers=cookie).status_code == 403
    assert inbox.desk.calls == []
    assert requests.get(f"{inbox.url}/api/me", headers=cookie).status_code == 200


def test_an_api_token_works_without_cookie_or_inbox_header(inbox: Inbox) -> None:
    bearer = {"Authorization": f"Bearer {API_TOKEN}"}
    assert requests.get(f"{inbox.url}/api/me", headers=bearer).json() == {
        "agent": "Ana M",
        "via": "token",
    }
    listing = requests.get(f"{inbox.url}/api/tickets", headers=bearer)
    assert [t["id"] for t in listing.json()["tickets"]] == [inbox.ticket.id]
    claimed = requests.post(f"{inbox.url}/api/tickets/{inbox.ticket.id}/claim", headers=bearer)
    assert claimed.status_code == 200
    assert inbox.desk.calls == [("claim", inbox.ticket.id, {"agent": "Ana M", "origin": "inbox"})]
    wrong = {"Authorization": f"Bearer {API_TOKEN}x"}
    assert_unauthorized(requests.get(f"{inbox.url}/api/tickets", headers=wrong))


@pytest.mark.parametrize(
    "body", [{"text": ""}, {"text": "   \n"}, {"text": "x" * 4001}, {"text": 5}, {}, ["hi"]]
)
def test_a_reply_needs_text_of_at_most_4000_characters(inbox: Inbox, body: Any) -> None:
    headers = {**inbox.login(), **INBOX}
    url = f"{inbox.url}/api/tickets/{inbox.ticket.id}/reply"
    reply = requests.post(url, json=body, headers=headers)
    assert reply.status_code == 400 and "error" in reply.json()
    assert inbox.desk.calls == []
    longest = requests.post(url, json={"text": "x" * 4000}, headers=headers)
    assert longest.status_code == 200


def test_desk_refusals_become_409_and_404(inbox: Inbox) -> None:
    headers = {**inbox.login(), **INBOX}
    url = f"{inbox.url}/api/tickets/{inbox.ticket.id}"
    inbox.desk.fail = TicketError(f"ticket {inbox.ticket.id} is resolved")
    conflict = requests.post(f"{url}/claim", headers=headers)
    assert conflict.status_code == 409
    assert conflict.json() == {"error": f"ticket {inbox.ticket.id} is resolved"}
    inbox.desk.fail = LookupError("no such ticket")
    assert requests.post(f"{url}/resolve", headers=headers).status_code == 404
    inbox.desk.fail = None
    assert requests.post(f"{inbox.url}/api/tickets/nope/claim", headers=headers).status_code == 404
    assert requests.post(f"{url}/delete", headers=headers).status_code == 404
    assert inbox.desk.calls == []


def test_a_session_expires_after_its_hours(inbox: Inbox) -> None:
    cookie = inbox.login()
    inbox.clock.now += timedelta(hours=8) - timedelta(seconds=1)
    assert requests.get(f"{inbox.url}/api/tickets", headers=cookie).status_code == 200
    inbox.clock.now += timedelta(seconds=1)
    assert_unauthorized(requests.get(f"{inbox.url}/api/tickets", headers=cookie))


def test_logout_ends_the_session_everywhere_and_clears_the_cookie(inbox: Inbox) -> None:
    cookie = inbox.login()
    other_tab = inbox.login()
    reply = requests.post(f"{inbox.url}/logout", headers={**cookie, **INBOX})
    assert reply.status_code == 200
    cleared = reply.headers["Set-Cookie"].lower()
    assert cleared.startswith("frontline_agent=") and "max-age=0" in cleared
    assert "path=/agent" in cleared
    assert_unauthorized(requests.get(f"{inbox.url}/api/tickets", headers=cookie))
    assert requests.get(f"{inbox.url}/api/tickets", headers=other_tab).status_code == 200
