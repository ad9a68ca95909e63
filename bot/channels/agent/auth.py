"""Who is asking: an agent's login session (cookie) or an account's API token (Bearer).

Cookie requests that change something must also send ``X-Frontline-Inbox: 1``.
A page on another site cannot add that header without the browser asking this
server first (which it refuses), so a forged form or link cannot act for an agent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.agent.errors import MissingInboxHeader, NoAccounts, NotLoggedIn
from bot.channels.agent.limiter import LoginLimiter
from bot.handoff.accounts import AgentAccounts
from bot.store.agent_sessions import AgentSessions

COOKIE = "frontline_agent"
INBOX_HEADER = "X-Frontline-Inbox"
_COOKIE_PATH = "/agent"


@dataclass(frozen=True)
class Identity:
    agent: str
    via: Literal["cookie", "token"]


class InboxAuth:
    """Logs agents in and out, and tells who sent a request.

    Args:
        accounts: The current accounts (re-read when the file changes).
        sessions: Where logins are kept.
        clock: Now, timezone-aware.
        session_hours: How long a login lasts.
        cookie_secure: Mark the cookie ``Secure`` (behind HTTPS).
        limiter: Failed-login counter.
    """

    def __init__(
        self,
        *,
        accounts: Callable[[], AgentAccounts],
        sessions: AgentSessions,
        clock: Callable[[], datetime],
        session_hours: float,
        cookie_secure: bool,
        limiter: LoginLimiter | None = None,
    ) -> None:
        self.accounts = accounts
        self.sessions = sessions
        self.clock = clock
        self.session_hours = session_hours
        self.cookie_secure = cookie_secure
        self.limiter = limiter or LoginLimiter()

    async def login(self, name: str, password: str, address: str) -> tuple[str, str]:
        """The agent's name and a new session token.

        Raises:
            NoAccounts: Nobody is configured.
            TooManyAttempts: Too many recent failures for this name and address.
            NotLoggedIn: Wrong name or password.
        """
        accounts = self.accounts()
        if not len(accounts):
            raise NoAccounts()
        now = self.clock()
        self.limiter.check(name, address, now)
        # scrypt takes tens of milliseconds on purpose: not on the event loop.
        agent = await asyncio.to_thread(accounts.verify_password, name, password)
        if agent is None:
            self.limiter.failed(name, address, now)
            raise NotLoggedIn("wrong name or password")
        self.limiter.succeeded(name, address)
        return agent, self.sessions.start(agent, now, self.session_hours)

    def identify(self, request: Request, *, changes_state: bool) -> Identity:
        """The agent behind ``request``.

        Raises:
            NotLoggedIn: No valid token or session.
            MissingInboxHeader: A cookie-authenticated change without the inbox header.
        """
        authorization = request.headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            agent = (
                self.accounts().verify_token(token.strip()) if scheme.lower() == "bearer" else None
            )
            if agent is None:
                raise NotLoggedIn("invalid API token")
            return Identity(agent, "token")
        token = request.cookies.get(COOKIE)
        agent = self.sessions.agent_for(token, self.clock()) if token else None
        if agent is None:
            raise NotLoggedIn("not logged in" if not token else "your session has ended")
        if changes_state and request.headers.get(INBOX_HEADER) != "1":
            raise MissingInboxHeader(f"send the header {INBOX_HEADER}: 1 with changes")
        return Identity(agent, "cookie")

    def logout(self, request: Request) -> None:
        token = request.cookies.get(COOKIE)
        if token:
            self.sessions.end(token)

    def set_cookie(self, reply: HTTPResponse, token: str) -> None:
        self._cookie(reply, token, max_age=int(self.session_hours * 3600))

    def clear_cookie(self, reply: HTTPResponse) -> None:
        self._cookie(reply, "", max_age=0)

    def _cookie(self, reply: HTTPResponse, value: str, *, max_age: int) -> None:
        reply.cookies[COOKIE] = value
        cookie = reply.cookies[COOKIE]
        cookie["path"] = _COOKIE_PATH
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["max-age"] = max_age
        if self.cookie_secure:
            cookie["secure"] = True
