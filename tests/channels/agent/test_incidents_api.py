"""The inbox's incident controls (/agent/incidents, /agent/api/alerts, /agent/api/incidents)
over HTTP on a running server: behind the agents' login, declare, approve, update and
resolve with the agent in the audit, refusals as 400, 404 and 409; and an agent approving
a draft in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from bot.channels.agent.incidents_api import IncidentsApi
from bot.crisis.alerts import AlertPayload
from bot.settings import Settings
from bot.store.db import create_database, session_factory
from bot.store.incidents import Incidents
from bot.store.tickets import Tickets
from bot.tone.texts import bot_texts
from tests.auxil.incidents import FOLLOW_UP, LANGUAGES, STATEMENT, UPDATE
from tests.channels.agent.test_inbox import (  # noqa: F401 - fixtures
    API_TOKEN,
    INBOX,
    PASSWORD,
    Inbox,
    sanic_test_mode,
    serve,
)
from tests.integration.test_web_widget import browser, open_context  # noqa: F401 - fixture

ALERT = AlertPayload(
    topic="keywords:outage",
    reasons=["volume"],
    at="2026-11-23T09:06:00+00:00",
    window_start="2026-11-23T09:00:00+00:00",
    count=42,
    baseline_median=2.0,
    baseline_mad=0.0,
    baseline_samples=[2] * 16,
    z=28.3,
    angry=3,
    anger_share=0.071,
    usual_anger_share=0.05,
    anger_z=0.4,
    recent_counts=[2, 2, 3, 2],
    examples=["the app is down <script>alert(1)</script>", "cannot log in since 10"],
    channels={"telegram": 30, "web": 12},
    languages={"en": 42},
)


@dataclass
class Desk:
    """The served inbox with its incident store."""

    inbox: Inbox
    incidents: Incidents

    @property
    def url(self) -> str:
        return self.inbox.url

    def post(self, path: str, body: Any = None, *, cookie: dict[str, str]) -> requests.Response:
        headers = {**cookie, **INBOX}
        if body is None:
            return requests.post(f"{self.url}{path}", headers=headers, timeout=10)
        return requests.post(f"{self.url}{path}", json=body, headers=headers, timeout=10)

    def get(self, path: str, *, cookie: dict[str, str]) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers=cookie, timeout=10)


@pytest.fixture
def desk(serve: Callable[..., Inbox], tmp_path: Path) -> Desk:  # noqa: F811 - the fixture
    sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
    incidents = Incidents(sessions=sessions, languages=LANGUAGES, default_language="en")
    api = IncidentsApi(
        incidents=incidents,
        tickets=Tickets(sessions=sessions),
        catalog=bot_texts(Settings()).catalog,
        topic_titles={"keywords:outage": "The shop, the app or sign-in is down"},
    )
    return Desk(serve(incidents=api), incidents)


def declared(desk: Desk, cookie: dict[str, str]) -> str:
    body = {"title": "Sign-in fails", "topic": "keywords:outage", "statement": STATEMENT}
    reply = desk.post("/api/incidents", body, cookie=cookie)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["incident"]["id"])


def test_alerts_and_incidents_need_a_login_and_changes_the_inbox_header(desk: Desk) -> None:
    for path in ("/api/alerts", "/api/incidents", "/api/incidents/abc"):
        assert requests.get(f"{desk.url}{path}", timeout=10).status_code == 401
    for path in ("/api/incidents", "/api/incidents/abc/approve"):
        assert requests.post(f"{desk.url}{path}", json={}, timeout=10).status_code == 401
    cookie = desk.inbox.login()
    forged = requests.post(
        f"{desk.url}/api/incidents", json={"title": "x"}, headers=cookie, timeout=10
    )
    assert forged.status_code == 403 and "X-Frontline-Inbox" in forged.json()["error"]
    assert desk.incidents.all() == []


def test_declare_approve_update_and_resolve_with_the_agent_in_the_audit(desk: Desk) -> None:
    cookie = desk.inbox.login()
    incident_id = declared(desk, cookie)
    desk.incidents.link_ticket(incident_id, desk.inbox.ticket.id, by="Ben")

    approved = desk.post(f"/api/incidents/{incident_id}/approve", cookie=cookie).json()
    assert approved["incident"]["status"] == "open"
    assert approved["incident"]["approved_by"] == "Ana M"
    updated = desk.post(f"/api/incidents/{incident_id}/update", {"text": UPDATE}, cookie=cookie)
    assert updated.status_code == 200 and updated.json()["updates"][0]["text"] == UPDATE
    resolved = desk.post(
        f"/api/incidents/{incident_id}/resolve", {"follow_up": FOLLOW_UP}, cookie=cookie
    ).json()
    assert resolved["incident"]["status"] == "resolved"
    assert resolved["incident"]["follow_up"] == FOLLOW_UP

    shown = desk.get(f"/api/incidents/{incident_id}", cookie=cookie).json()
    assert [(a["who"], a["what"]) for a in shown["audit"]] == [
        ("Ana M", "opened"),
        ("Ben", "linked"),
        ("Ana M", "approved"),
        ("Ana M", "update"),
        ("Ana M", "resolved"),
    ]
    assert [t["id"] for t in shown["tickets"]] == [desk.inbox.ticket.id]
    assert shown["incident"]["statement"] == STATEMENT
    assert shown["languages"] == list(LANGUAGES)
    listed = desk.get("/api/incidents", cookie=cookie).json()["incidents"]
    assert [(i["id"], i["status"]) for i in listed] == [(incident_id, "resolved")]


def test_an_api_token_declares_in_the_accounts_name(desk: Desk) -> None:
    reply = requests.post(
        f"{desk.url}/api/incidents",
        json={"title": "Sign-in fails", "topic": "keywords:outage", "statement": STATEMENT},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
        timeout=10,
    )
    assert reply.status_code == 201 and reply.json()["incident"]["created_by"] == "Ana M"


def test_frontline_drafts_the_statement_in_every_language(desk: Desk) -> None:
    cookie = desk.inbox.login()
    body = {
        "title": "Sign-in fails",
        "topic": "keywords:outage",
        "draft": {"known": "Our login provider has an outage", "next_update": "11:00 CET"},
    }
    reply = desk.post("/api/incidents", body, cookie=cookie)

    assert reply.status_code == 201, reply.text
    statement = reply.json()["incident"]["statement"]
    assert set(statement) == set(LANGUAGES)
    assert (
        "Sign-in fails" in statement["en"]
        and "Our login provider has an outage." in statement["en"]
    )
    assert all("11:00 CET" in text for text in statement.values())
    assert reply.json()["incident"]["status"] == "draft"


def test_alerts_show_their_evidence_and_the_incident_declared_from_them(desk: Desk) -> None:
    cookie = desk.inbox.login()
    assert desk.incidents.record_alert(ALERT)
    (alert,) = desk.get("/api/alerts", cookie=cookie).json()["alerts"]
    assert alert["topic"] == "keywords:outage" and alert["count"] == 42
    assert alert["title"] == "The shop, the app or sign-in is down"
    assert alert["examples"] == ALERT["examples"] and alert["incident"] is None

    incident_id = declared(desk, cookie)

    (alert,) = desk.get("/api/alerts", cookie=cookie).json()["alerts"]
    assert alert["incident"] == incident_id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"topic": "keywords:outage", "statement": STATEMENT}, "the title is missing"),
        ({"title": "Down", "topic": "outage", "statement": STATEMENT}, "not a topic key"),
        ({"title": "Down", "topic": "keywords:outage"}, 'or "draft"'),
        ({"title": "Down", "topic": "keywords:outage", "statement": "down"}, "per language"),
        (
            {"title": "Down", "topic": "keywords:outage", "statement": {"xx": "down"}},
            "unknown language 'xx'",
        ),
        ({"title": "Down", "topic": "keywords:outage", "draft": {}}, "known is missing"),
        ({"title": "Down", "topic": "keywords:outage", "statement": {"en": " "}}, "no text"),
        ([1, 2], "a JSON object"),
    ],
)
def test_a_bad_declaration_is_a_400_that_says_why(desk: Desk, body: Any, message: str) -> None:
    reply = desk.post("/api/incidents", body, cookie=desk.inbox.login())
    assert reply.status_code == 400 and message in reply.json()["error"], reply.text
    assert desk.incidents.all() == []


def test_bad_texts_are_400s_unknown_incidents_404s_and_wrong_statuses_409s(desk: Desk) -> None:
    cookie = desk.inbox.login()
    draft = desk.incidents.open(
        title="Half done", topic="keywords:outage", statement={"en": "Only English"}, by="Ben"
    )
    incident_id = declared(desk, cookie)

    refusals = [
        (desk.post(f"/api/incidents/{draft.id}/approve", cookie=cookie), 400, "no text in de"),
        (
            desk.post(f"/api/incidents/{incident_id}/update", {"text": UPDATE}, cookie=cookie),
            409,
            "update needs an open one",
        ),
        (desk.post("/api/incidents/nope/approve", cookie=cookie), 404, "no incident nope"),
        (desk.get("/api/incidents/nope", cookie=cookie), 404, "no incident nope"),
        (desk.post(f"/api/incidents/{incident_id}/delete", {}, cookie=cookie), 404, "no action"),
        (
            desk.post(f"/api/incidents/{incident_id}/edit", {"text": {}}, cookie=cookie),
            400,
            "statement is an object",
        ),
    ]
    assert desk.post(f"/api/incidents/{incident_id}/approve", cookie=cookie).status_code == 200
    refusals += [
        (desk.post(f"/api/incidents/{incident_id}/approve", cookie=cookie), 409, "is open"),
        (
            desk.post(
                f"/api/incidents/{incident_id}/update", {"text": {"en": "Fixing"}}, cookie=cookie
            ),
            400,
            "no text in de",
        ),
        (
            requests.post(
                f"{desk.url}/api/incidents/{incident_id}/resolve",
                data="follow_up=done",
                headers={**cookie, **INBOX, "Content-Type": "application/x-www-form-urlencoded"},
                timeout=10,
            ),
            400,
            "application/json",
        ),
    ]
    for reply, status, message in refusals:
        assert (reply.status_code, message in reply.json()["error"]) == (status, True), (
            reply.request.url,
            reply.text,
        )
    assert desk.incidents.get(incident_id).status == "open"


def test_the_page_is_served_with_the_inbox_policy_and_linked_from_the_inbox(desk: Desk) -> None:
    page = requests.get(f"{desk.url}/incidents", timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<script src="/agent/static/incidents.js" defer></script>' in page.text
    assert "<script>" not in page.text and "style=" not in page.text
    script = requests.get(f"{desk.url}/static/incidents.js", timeout=10)
    assert script.status_code == 200 and "innerHTML" not in script.text
    assert 'href="/agent/incidents"' in requests.get(desk.url, timeout=10).text


@pytest.mark.slow
def test_an_agent_declares_from_an_alert_edits_and_approves_the_draft_in_chromium(
    desk: Desk,
    browser: Browser,  # noqa: F811 - the fixture
) -> None:
    desk.incidents.record_alert(ALERT)
    violations: list[str] = []
    with open_context(browser, viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        page.on(
            "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
        )
        page.goto(desk.url)
        page.locator("#login-name").fill("Ana M")
        page.locator("#login-password").fill(PASSWORD)
        page.locator("#login-submit").click()
        page.get_by_role("link", name="Incidents").click()

        alert = page.locator("#in-alerts tbody tr").first
        expect(alert).to_contain_text("The shop, the app or sign-in is down")
        expect(alert).to_contain_text("<script>alert(1)</script>")  # as text, never run
        alert.get_by_role("button", name="Declare incident").click()
        expect(page.locator("#in-topic")).to_have_value("keywords:outage")
        page.locator("#in-known").fill("Our login provider has an outage")
        page.locator("#in-next").fill("11:00 CET")
        page.get_by_role("button", name="Draft the statement").click()

        english = page.locator("#in-statement-en")
        expect(english).to_have_value(re.compile("Our login provider has an outage[.]"))
        english.fill("Sign-in fails for some of you. We are on it; next update by 11:00 CET.")
        page.get_by_role("button", name="Approve the statement").click()
        expect(page.locator("#in-detail-meta .badge")).to_have_text("open")
        expect(page.locator("#in-audit")).to_contain_text("approved")
        expect(page.locator("#in-update")).to_be_visible()
        expect(page.locator("#in-alerts tbody tr").first).to_contain_text("incident")

    (incident,) = desk.incidents.all()
    assert (incident.status, incident.approved_by) == ("open", "Ana M")
    assert incident.statement["en"].startswith("Sign-in fails for some of you.")
    assert violations == []
