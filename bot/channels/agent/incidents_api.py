"""The inbox's incident controls: surge alerts, and incidents declared, approved, updated and
resolved by agents, at ``/agent/incidents`` and under ``/agent/api/``.

- ``GET /agent/incidents``: the page;
- ``GET /agent/api/alerts``: the latest surge alerts with their evidence;
- ``GET /agent/api/incidents``: every incident, newest first, and the languages a text needs;
- ``GET /agent/api/incidents/<id>``: one incident with its audit trail, linked tickets
  and updates;
- ``POST /agent/api/incidents`` ``{"title", "topic", "statement": {lang: text}}``, or
  ``"draft": {"known", "next_update"}`` instead of the statement to have Frontline draft
  it in every language (:func:`~bot.crisis.drafting.draft_statement`): a draft incident;
- ``POST /agent/api/incidents/<id>/edit`` ``{"statement": {lang: text}}``: the draft's text;
- ``POST .../<id>/approve``: a person approves the statement, and customers are told;
- ``POST .../<id>/update`` ``{"text": {lang: text}}``: to every linked and subscribed
  conversation;
- ``POST .../<id>/resolve`` ``{"follow_up": {lang: text}}``.

The agent who asks is the actor in the audit. A bad body is a 400, an unknown incident a
404, and an action its status forbids (approving an open incident) a 409.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.agent.auth import InboxAuth
from bot.channels.agent.errors import IncidentConflict, IncidentNotFound, InvalidRequest
from bot.channels.agent.handlers import answering, json_body
from bot.channels.agent.incident_json import alert_json, audit_json, incident_json, update_json
from bot.channels.agent.responses import STATIC_DIR, api_json, page
from bot.channels.static import read_assets
from bot.crisis.config import load_crisis
from bot.crisis.drafting import draft_statement
from bot.crisis.incident import NOTIFY, IncidentError, UnknownIncident, WrongStatus
from bot.errors import ConfigError
from bot.handoff.wire import ticket_json
from bot.settings import Settings
from bot.store.incidents import Incidents
from bot.store.tickets import Tickets
from bot.tone.catalog import Catalog
from bot.tone.texts import bot_texts

log = logging.getLogger(__name__)

INCIDENTS_PAGE = "incidents.html"
ACTIONS = ("edit", "approve", "update", "resolve")
MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 4000
ALERTS_SHOWN = 50
_LONGEST_ID = 64


class IncidentsApi:
    """The incident endpoints, minus HTTP.

    Args:
        incidents: The incidents store (its languages are those a text needs).
        tickets: The ticket store, for the tickets linked to an incident.
        catalog: The bot's texts, with the statement's template per language.
        topic_titles: What agents call a topic (``keywords:outage``: its ``crisis.yml``
            title), to name alerts and prefill an incident's title.
    """

    def __init__(
        self,
        *,
        incidents: Incidents,
        tickets: Tickets,
        catalog: Catalog,
        topic_titles: Mapping[str, str] | None = None,
    ) -> None:
        self.incidents = incidents
        self.tickets = tickets
        self.catalog = catalog
        self.topic_titles = dict(topic_titles or {})

    @classmethod
    def from_settings(cls, settings: Settings, *, sessions: sessionmaker[Session]) -> IncidentsApi:
        """The running server's: the languages, texts and ``crisis.yml`` of ``settings``."""
        try:
            sets = load_crisis(settings.crisis_file).topics.sets
        except ConfigError as error:  # the action server says so at start; agents still work
            log.warning("incidents: topic titles unknown, %s", error)
            sets = ()
        return cls(
            incidents=Incidents(
                sessions=sessions,
                languages=settings.languages,
                default_language=settings.default_language,
            ),
            tickets=Tickets(sessions=sessions),
            catalog=bot_texts(settings).catalog,
            topic_titles={f"keywords:{s.id}": s.title for s in sets if s.title},
        )

    def alerts(self) -> dict[str, Any]:
        """The latest surge alerts, newest first, each with the incident declared from it."""
        incidents = self.incidents.all()
        shown = []
        for entry in self.incidents.alerts(limit=ALERTS_SHOWN):
            topic = str(entry.detail.get("topic", ""))
            declared = next(
                (i.id for i in incidents if i.topic == topic and i.created_at >= entry.at),
                None,
            )
            title = self.topic_titles.get(topic, "")
            shown.append(alert_json(entry, title=title, incident=declared))
        return {"alerts": shown}

    def listing(self) -> dict[str, Any]:
        """Every incident, newest first, and the languages a statement needs."""
        return {
            "incidents": [incident_json(incident) for incident in self.incidents.all()],
            "languages": list(self.incidents.languages),
        }

    def detail(self, incident_id: str) -> dict[str, Any]:
        """The incident, its audit trail, linked tickets and updates.

        Raises:
            IncidentNotFound: No such incident.
        """
        with _refusals():
            incident = self.incidents.get(_ident(incident_id))
            audit = self.incidents.audit(incident.id)
            linked = self.incidents.linked_tickets(incident.id)
            updates = self.incidents.updates(incident.id)
        tickets = [self.tickets.get(ticket_id) for ticket_id in linked]
        return {
            "incident": incident_json(incident),
            "audit": [audit_json(entry) for entry in audit],
            "tickets": [ticket_json(t, transcript=False) for t in tickets if t is not None],
            "updates": [update_json(update) for update in updates],
            "languages": list(self.incidents.languages),
        }

    def declare(self, body: Any, *, agent: str) -> dict[str, Any]:
        """A draft incident from ``body``: its title, topic, and statement or draft inputs.

        Raises:
            InvalidRequest: A missing or malformed field.
        """
        fields = _object(body, '{"title", "topic", "statement"} or "draft" instead of it')
        title = _text(fields.get("title"), "title", MAX_TITLE_CHARS)
        topic = _text(fields.get("topic"), "topic", 255)
        notify = fields.get("notify", "opted_in")
        if notify not in NOTIFY:
            raise InvalidRequest(f"notify is one of {', '.join(NOTIFY)}")
        if "statement" in fields:
            statement = self._texts(fields["statement"], "statement")
        elif "draft" in fields:
            statement = self._draft(fields["draft"], title)
        else:
            raise InvalidRequest('send the "statement" per language, or "draft" to have it drafted')
        with _refusals():
            incident = self.incidents.open(
                title=title, topic=topic, statement=statement, by=agent, notify=notify
            )
        return self.detail(incident.id)

    def act(self, incident_id: str, action: str, body: Any, *, agent: str) -> dict[str, Any]:
        """Do ``action`` (edit, approve, update, resolve) as ``agent``; the incident afterwards.

        Raises:
            IncidentNotFound: No such incident or action.
            InvalidRequest: A missing or malformed text.
            IncidentConflict: The incident's status forbids it.
        """
        if action not in ACTIONS:
            raise IncidentNotFound(f"no action {action!r} (use {', '.join(ACTIONS)})")
        ident = _ident(incident_id)
        with _refusals():
            if action == "approve":
                self.incidents.approve(ident, by=agent)
            elif action == "edit":
                statement = self._field(body, "statement")
                self.incidents.edit_statement(ident, statement, by=agent)
            elif action == "update":
                self.incidents.post_update(ident, self._field(body, "text"), by=agent)
            else:
                follow_up = self._field(body, "follow_up")
                self.incidents.resolve(ident, follow_up, by=agent)
        return self.detail(ident)

    def _field(self, body: Any, name: str) -> dict[str, str]:
        fields = _object(body, f'{{"{name}": {{"en": "...", ...}}}}')
        return self._texts(fields.get(name), name)

    def _texts(self, value: Any, what: str) -> dict[str, str]:
        """A text per language: only the languages customers write in, each not too long."""
        if not isinstance(value, dict) or not value:
            raise InvalidRequest(f'the {what} is an object of texts per language: {{"en": "..."}}')
        texts = {}
        for language, text in value.items():
            if language not in self.incidents.languages:
                known = ", ".join(self.incidents.languages)
                raise InvalidRequest(f"the {what} has an unknown language {language!r} ({known})")
            if not isinstance(text, str):
                raise InvalidRequest(f"the {what} in {language} is not a text")
            if len(text) > MAX_TEXT_CHARS:
                longest = MAX_TEXT_CHARS
                raise InvalidRequest(f"the {what} in {language} is over {longest} characters")
            texts[language] = text.strip()
        return texts

    def _draft(self, value: Any, title: str) -> dict[str, str]:
        fields = _object(value, 'a draft is {"known": "...", "next_update": "..."}', what="draft")
        known = _text(fields.get("known"), "draft's known", MAX_TEXT_CHARS)
        next_update = _text(fields.get("next_update"), "draft's next_update", MAX_TITLE_CHARS)
        return draft_statement(
            self.catalog,
            languages=self.incidents.languages,
            title=title,
            known=known,
            next_update=next_update,
        )


def add_incident_routes(blueprint: Blueprint, *, auth: InboxAuth, api: IncidentsApi) -> None:
    """The page and the endpoints, on the inbox's blueprint (under ``/agent``)."""
    incidents_page = read_assets(STATIC_DIR, (INCIDENTS_PAGE,))[INCIDENTS_PAGE]

    @blueprint.route("/incidents", methods=["GET"])
    async def incidents_view(_: Request) -> HTTPResponse:
        return page(incidents_page)

    @blueprint.route("/api/alerts", methods=["GET"])
    @answering
    async def surge_alerts(request: Request) -> HTTPResponse:
        auth.identify(request, changes_state=False)
        return api_json(api.alerts())

    @blueprint.route("/api/incidents", methods=["GET"])
    @answering
    async def incident_list(request: Request) -> HTTPResponse:
        auth.identify(request, changes_state=False)
        return api_json(api.listing())

    @blueprint.route("/api/incidents", methods=["POST"])
    @answering
    async def incident_declare(request: Request) -> HTTPResponse:
        identity = auth.identify(request, changes_state=True)
        return api_json(api.declare(json_body(request), agent=identity.agent), status=201)

    @blueprint.route("/api/incidents/<incident_id:str>", methods=["GET"])
    @answering
    async def incident_detail(request: Request, incident_id: str) -> HTTPResponse:
        auth.identify(request, changes_state=False)
        return api_json(api.detail(incident_id))

    @blueprint.route("/api/incidents/<incident_id:str>/<action:str>", methods=["POST"])
    @answering
    async def incident_act(request: Request, incident_id: str, action: str) -> HTTPResponse:
        identity = auth.identify(request, changes_state=True)
        body = json_body(request) if action != "approve" else None
        return api_json(api.act(incident_id, action, body, agent=identity.agent))


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    """The store's refusals as the inbox's: 404, 409, else 400 with its message."""
    try:
        yield
    except UnknownIncident as error:
        raise IncidentNotFound(str(error)) from error
    except WrongStatus as error:
        raise IncidentConflict(str(error)) from error
    except IncidentError as error:
        raise InvalidRequest(str(error)) from error


def _ident(incident_id: str) -> str:
    if len(incident_id) > _LONGEST_ID:
        raise IncidentNotFound(f"no incident {incident_id[:_LONGEST_ID]}…")
    return incident_id


def _object(body: Any, shape: str, *, what: str = "body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidRequest(f"the {what} is a JSON object: {shape}")
    return body


def _text(value: Any, what: str, longest: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"the {what} is missing (a text)")
    if len(value) > longest:
        raise InvalidRequest(f"the {what} is over {longest} characters")
    return value.strip()
