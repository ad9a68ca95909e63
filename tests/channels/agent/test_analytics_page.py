"""The inbox's analytics (/agent/analytics): behind the agents' login, the report's figures,
and a drill-down from a number to its conversations, in Chromium too (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from bot.channels.agent.analytics_api import AnalyticsApi
from bot.eval.traffic import Truth, business_hours, generate, write
from bot.insight.analytics import Analytics, collect
from bot.settings import Settings
from bot.store.db import create_database, session_factory
from bot.store.engine import connect
from tests.channels.agent.test_inbox import (  # noqa: F401 - fixtures
    PASSWORD,
    Inbox,
    sanic_test_mode,
    serve,
)
from tests.integration.test_web_widget import browser, open_context  # noqa: F401 - fixture

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


@pytest.fixture
def analytics(tmp_path: Path) -> tuple[AnalyticsApi, Truth]:
    tracker = connect(f"sqlite:///{tmp_path / 'tracker.db'}")
    frontline = create_database(f"sqlite:///{tmp_path / 'traffic.db'}")
    truth = write(
        generate(conversations=300, seed=11, start=NOW - timedelta(days=6), days=3),
        tracker=tracker,
        frontline=frontline,
    )

    def source(since: datetime, until: datetime) -> Analytics:
        return collect(
            tracker=tracker,
            sessions=session_factory(frontline),
            hours=business_hours(),
            entries=[],
            settings=Settings(),
            since=since,
            until=until,
        )

    return AnalyticsApi(source=source, clock=lambda: NOW), truth


@pytest.fixture
def served(
    serve: Callable[..., Inbox],  # noqa: F811 - the fixture
    analytics: tuple[AnalyticsApi, Truth],
) -> tuple[Inbox, Truth]:
    return serve(analytics=analytics[0]), analytics[1]


def test_the_figures_and_the_drill_down_need_a_login(served: tuple[Inbox, Truth]) -> None:
    inbox, _ = served
    for path in ("/api/analytics", "/api/analytics/conversations?outcome=handoff"):
        assert requests.get(f"{inbox.url}{path}", timeout=10).status_code == 401


def test_the_figures_are_the_reports_and_every_number_lists_its_conversations(
    served: tuple[Inbox, Truth],
) -> None:
    inbox, truth = served
    cookie = inbox.login()
    figures = requests.get(
        f"{inbox.url}/api/analytics?since=30d", headers=cookie, timeout=30
    ).json()
    expected = truth.figures()
    assert figures["handoff_rate"] == expected["handoff_rate"]
    assert figures["by_channel"] == expected["by_channel"]

    query = {"since": "30d", "outcome": "handoff", "channel": "telegram", "reason": "anger"}
    found = requests.get(
        f"{inbox.url}/api/analytics/conversations", params=query, headers=cookie, timeout=30
    ).json()
    wanted = sorted(
        r["sender_id"]
        for r in truth.outcomes
        if (r["outcome"], r["channel"], r["reason"]) == ("handoff", "telegram", "anger")
    )
    assert wanted and found["total"] == len(wanted)
    assert sorted(c["sender_id"] for c in found["conversations"]) == wanted
    assert all(c["ticket_id"] for c in found["conversations"])


@pytest.mark.parametrize(
    ("query", "message"),
    [("since=a%20week", "not a period"), ("colour=red", "unknown filter colour")],
)
def test_a_bad_query_is_a_400_that_says_why(
    served: tuple[Inbox, Truth], query: str, message: str
) -> None:
    inbox, _ = served
    reply = requests.get(
        f"{inbox.url}/api/analytics/conversations?{query}", headers=inbox.login(), timeout=10
    )
    assert reply.status_code == 400 and message in reply.json()["error"]


@pytest.mark.slow
def test_an_agent_drills_down_from_the_handoff_rate_in_chromium(
    served: tuple[Inbox, Truth],
    browser: Browser,  # noqa: F811 - the fixture
) -> None:
    inbox, truth = served
    handoffs = sum(1 for r in truth.outcomes if r["outcome"] == "handoff")
    with open_context(browser, viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        page.goto(f"{inbox.url}/analytics")
        expect(page.get_by_role("link", name="agent inbox")).to_be_visible()  # not logged in

        page.goto(inbox.url)
        page.locator("#login-name").fill("Ana M")
        page.locator("#login-password").fill(PASSWORD)
        page.locator("#login-submit").click()
        page.get_by_role("link", name="Analytics").click()
        page.locator("#an-since").select_option("30d")

        rate = 100 * truth.figures()["handoff_rate"]
        card = page.locator(".an-card", has_text=f"Handoff ({handoffs})")
        expect(card).to_contain_text(f"{rate:.1f}%")
        card.get_by_role("button").click()
        expect(page.locator("#an-drill-what")).to_contain_text(f"{handoffs} conversation windows")
        expect(page.locator("#an-drill-table tbody tr")).to_have_count(handoffs)
        first: Any = page.locator("#an-drill-table tbody tr").first
        expect(first).to_contain_text("handoff")
