"""The agents' web inbox as a Rasa input channel, served by the Rasa server at ``/agent``.

- ``GET /agent``: the inbox page (a login form until the agent logs in);
- ``GET /agent/static/*``: its script and style;
- ``POST /agent/login`` ``{"name", "password"}``, ``POST /agent/logout``;
- ``GET /agent/api/me``, ``GET /agent/api/tickets[?status=resolved,returned]``,
  ``GET /agent/api/tickets/<id>``;
- ``POST /agent/api/tickets/<id>/reply`` ``{"text"}``, ``.../claim``, ``.../resolve``,
  ``.../return``: through the :class:`~bot.handoff.ports.AgentDesk`;
- ``GET /agent/analytics``: the analytics page; ``GET /agent/api/analytics[?since=7d]``
  and ``GET /agent/api/analytics/conversations?outcome=...`` (the drill-down).
- ``GET /agent/content``, ``/agent/api/content...``: content suggestions and learned
  choices for editors (:mod:`.content_api`);
- ``GET /agent/incidents``, ``/agent/api/alerts`` and ``/agent/api/incidents...``: surge
  alerts and incidents (:mod:`.incidents_api`).

Agents are not customers: nothing here reaches Rasa's ``on_new_message``.
See ``docs/agent-inbox.md``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.agent.analytics_api import AnalyticsApi
from bot.channels.agent.api import TicketApi, hub_desk
from bot.channels.agent.auth import InboxAuth
from bot.channels.agent.content_api import ContentApi, add_content_routes
from bot.channels.agent.errors import InvalidRequest, UnknownTicket
from bot.channels.agent.handlers import answering, json_body
from bot.channels.agent.incidents_api import IncidentsApi, add_incident_routes
from bot.channels.agent.limiter import LoginLimiter
from bot.channels.agent.responses import (
    ANALYTICS_PAGE,
    PAGE,
    PUBLIC,
    api_json,
    load_assets,
    page,
    static_file,
)
from bot.channels.base import OnNewMessage
from bot.channels.wiring import database_sessions
from bot.handoff.accounts import AccountsFile, AgentAccounts
from bot.handoff.ports import AgentDesk
from bot.insight.suggest import suggestions_file
from bot.settings import Settings, get_settings
from bot.store.agent_sessions import AgentSessions
from bot.store.clicks import ClickLog
from bot.store.tickets import Tickets

URL_PREFIX = "/agent"
_LONGEST_NAME, _LONGEST_PASSWORD = 256, 1024


def _now() -> datetime:
    return datetime.now(timezone.utc)


class AgentInboxInput(InputChannel):
    """Rasa input channel ``agent``: the inbox page and its JSON API for human agents.

    Args:
        accounts: The agent accounts, or a function giving the current ones.
        sessions: Where logins are kept.
        tickets: The ticket store.
        desk: The running app's :class:`AgentDesk`; every change goes through it.
        clock: Now, timezone-aware.
        cookie_secure: Mark the session cookie ``Secure``.
        session_hours: How long a login lasts.
        limiter: Failed-login counter.
        analytics: The figures behind ``/agent/analytics``; None switches the page off.
        content: Suggestions and learned choices for editors at ``/agent/content``.
        incidents: Alerts and incidents at ``/agent/incidents``; None switches them off.
    """

    @classmethod
    def name(cls) -> str:
        return "agent"

    def __init__(
        self,
        *,
        accounts: AgentAccounts | Callable[[], AgentAccounts],
        sessions: AgentSessions,
        tickets: Tickets,
        desk: Callable[[Sanic], AgentDesk] = hub_desk,
        clock: Callable[[], datetime] = _now,
        cookie_secure: bool = False,
        session_hours: float = 12.0,
        limiter: LoginLimiter | None = None,
        analytics: AnalyticsApi | None = None,
        incidents: IncidentsApi | None = None,
        content: ContentApi | None = None,
    ) -> None:
        current = (lambda: accounts) if isinstance(accounts, AgentAccounts) else accounts
        self.auth = InboxAuth(
            accounts=current,
            sessions=sessions,
            clock=clock,
            session_hours=session_hours,
            cookie_secure=cookie_secure,
            limiter=limiter,
        )
        self.api = TicketApi(tickets=tickets, desk=desk)
        self.analytics = analytics
        self.incidents = incidents
        self.content = content

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Everything comes from ``FRONTLINE_AGENT*`` settings; credentials.yml holds no keys.

        Raises:
            AccountsError: The accounts file is invalid (named, with the entry and field).
        """
        settings = get_settings()
        database = database_sessions(settings)
        return cls(
            accounts=AccountsFile(settings.agents_file),
            sessions=AgentSessions(sessions=database),
            tickets=Tickets(sessions=database),
            cookie_secure=settings.agent_cookie_secure,
            session_hours=settings.agent_session_hours,
            analytics=AnalyticsApi(source=analytics_source(settings), clock=_now),
            incidents=IncidentsApi.from_settings(settings, sessions=database),
            content=ContentApi(
                suggestions=suggestions_file(settings),
                clicks=ClickLog(sessions=database),
                faq_dir=settings.faq_dir,
                default_language=settings.default_language,
            ),
        )

    def url_prefix(self) -> str:
        return URL_PREFIX

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = Blueprint("agent_inbox", __name__)
        self._add_pages(blueprint)
        self._add_api(blueprint)
        if self.incidents is not None:
            add_incident_routes(blueprint, auth=self.auth, api=self.incidents)
        if self.content is not None:
            add_content_routes(blueprint, auth=self.auth, api=self.content)
        return blueprint

    def _add_pages(self, blueprint: Blueprint) -> None:
        assets = load_assets()
        auth = self.auth

        @blueprint.route("", methods=["GET"])
        async def inbox(_: Request) -> HTTPResponse:
            return page(assets[PAGE])

        @blueprint.route("/analytics", methods=["GET"])
        async def analytics(_: Request) -> HTTPResponse:
            return page(assets[ANALYTICS_PAGE])

        @blueprint.route("/static/<name:str>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            if name not in PUBLIC:
                return api_json({"error": "not found"}, status=404)
            return static_file(assets[name])

        @blueprint.route("/login", methods=["POST"])
        @answering
        async def login(request: Request) -> HTTPResponse:
            name, password = _credentials(request)
            address = request.remote_addr or request.ip or "?"
            agent, token = await auth.login(name, password, address)
            reply = api_json({"agent": agent})
            auth.set_cookie(reply, token)
            return reply

        @blueprint.route("/logout", methods=["POST"])
        @answering
        async def logout(request: Request) -> HTTPResponse:
            auth.identify(request, changes_state=True)
            auth.logout(request)
            reply = api_json({"agent": None})
            auth.clear_cookie(reply)
            return reply

    def _add_api(self, blueprint: Blueprint) -> None:
        auth, api = self.auth, self.api

        @blueprint.route("/api/me", methods=["GET"])
        @answering
        async def me(request: Request) -> HTTPResponse:
            identity = auth.identify(request, changes_state=False)
            return api_json({"agent": identity.agent, "via": identity.via})

        @blueprint.route("/api/tickets", methods=["GET"])
        @answering
        async def tickets(request: Request) -> HTTPResponse:
            auth.identify(request, changes_state=False)
            return api_json(api.listing(request.args.get("status")))

        @blueprint.route("/api/tickets/<ticket_id:str>", methods=["GET"])
        @answering
        async def ticket(request: Request, ticket_id: str) -> HTTPResponse:
            auth.identify(request, changes_state=False)
            return api_json(api.detail(ticket_id))

        @blueprint.route("/api/tickets/<ticket_id:str>/<action:str>", methods=["POST"])
        @answering
        async def act(request: Request, ticket_id: str, action: str) -> HTTPResponse:
            identity = auth.identify(request, changes_state=True)
            body = json_body(request) if action == "reply" else None
            return api_json(
                await api.act(request.app, ticket_id, action, agent=identity.agent, body=body)
            )

        @blueprint.route("/api/analytics", methods=["GET"])
        @answering
        async def figures(request: Request) -> HTTPResponse:
            auth.identify(request, changes_state=False)
            return api_json(await asyncio.to_thread(self._insight().figures, _query(request)))

        @blueprint.route("/api/analytics/conversations", methods=["GET"])
        @answering
        async def drill_down(request: Request) -> HTTPResponse:
            auth.identify(request, changes_state=False)
            found = await asyncio.to_thread(self._insight().conversations, _query(request))
            return api_json(found)

        @blueprint.route("/api/<rest:path>", methods=["GET", "POST"])
        @answering
        async def unknown(request: Request, rest: str) -> HTTPResponse:
            auth.identify(request, changes_state=False)
            raise UnknownTicket(f"no endpoint /agent/api/{rest}")

    def _insight(self) -> AnalyticsApi:
        if self.analytics is None:
            raise UnknownTicket("analytics are not served here")
        return self.analytics


def _query(request: Request) -> dict[str, str]:
    return {name: str(request.args.get(name) or "") for name in request.args}


def analytics_source(settings: Settings) -> Any:
    """Derives a period's analytics from the tracker store and the tickets, as
    ``frontline report`` does; the knowledge base is read afresh each time."""
    from bot.hours.config import load_hours
    from bot.insight.analytics import collect, knowledge_entries
    from bot.store.engine import connect

    tracker = connect(settings.tracker_store_url_or_default)
    sessions = database_sessions(settings)

    def source(since: datetime, until: datetime) -> Any:
        return collect(
            tracker=tracker,
            sessions=sessions,
            hours=load_hours(settings.hours_file),
            entries=knowledge_entries(settings.faq_dir, default_language=settings.default_language),
            settings=settings,
            since=since,
            until=until,
        )

    return source


def _credentials(request: Request) -> tuple[str, str]:
    body = json_body(request)
    name = body.get("name") if isinstance(body, dict) else None
    password = body.get("password") if isinstance(body, dict) else None
    if not isinstance(name, str) or not isinstance(password, str) or not name or not password:
        raise InvalidRequest('send {"name": "...", "password": "..."}')
    if len(name) > _LONGEST_NAME or len(password) > _LONGEST_PASSWORD:
        raise InvalidRequest("name or password too long")
    return name.strip(), password
