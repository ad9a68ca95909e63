"""The editors' page of the inbox (/agent/content): the saved content suggestions and the
choices customers made, accepted into the knowledge base from the page (issue 14)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, expect

from bot.channels.agent.content_api import ContentApi
from bot.faq.loader import load_knowledge_base
from bot.insight.suggest import save_suggestions
from bot.settings import PROJECT_ROOT
from bot.store.clicks import ClickLog
from bot.store.db import create_database, session_factory
from tests.channels.agent.test_inbox import (  # noqa: F401 - fixtures
    INBOX,
    PASSWORD,
    Inbox,
    sanic_test_mode,
    serve,
)
from tests.integration.test_web_widget import browser, open_context  # noqa: F401 - fixture

SUGGESTION = {
    "rank": 1,
    "kind": "new_entry",
    "size": 7,
    "questions": 9,
    "languages": ["de", "en"],
    "examples": ["Can I pay with crypto?", "Kann ich mit Bitcoin bezahlen?"],
    "first_asked": "2026-12-01T10:00:00+00:00",
    "last_asked": "2026-12-06T10:00:00+00:00",
    "impact": 6.2,
    "sources": ["no_answer"],
    "nearest": None,
    "candidate_answers": ["We don't take crypto, sorry: cards, PayPal or Klarna."],
    "draft": {"id": "pay-with-crypto", "question": {"en": "Can I pay with crypto?"}},
}


@pytest.fixture
def content(tmp_path: Path) -> tuple[ContentApi, Path]:
    faq = tmp_path / "faq"
    shutil.copytree(PROJECT_ROOT / "data" / "faq", faq)
    clicks = ClickLog(sessions=session_factory(create_database(f"sqlite:///{tmp_path}/c.db")))
    for customer in ("web-a", "web-b"):
        clicks.record(
            text="my parcel is lost",
            language="en",
            entry_id="missing-item",
            conversation_id=customer,
        )
    saved = tmp_path / "suggestions.json"
    now = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
    save_suggestions([SUGGESTION], path=saved, at=now, since=now)  # type: ignore[list-item]
    api = ContentApi(suggestions=saved, clicks=clicks, faq_dir=faq, default_language="en")
    return api, faq


@pytest.fixture
def served(
    serve: Callable[..., Inbox],  # noqa: F811 - the fixture
    content: tuple[ContentApi, Path],
) -> tuple[Inbox, Path]:
    return serve(content=content[0]), content[1]


def test_editors_see_the_suggestions_and_choices_only_when_logged_in(
    served: tuple[Inbox, Path],
) -> None:
    inbox, _ = served
    assert requests.get(f"{inbox.url}/api/content", timeout=10).status_code == 401
    data = requests.get(f"{inbox.url}/api/content", headers=inbox.login(), timeout=10).json()
    assert data["suggestions"][0]["examples"] == SUGGESTION["examples"]
    [pair] = data["learned"]
    assert (pair["text"], pair["entry_id"], pair["customers"]) == (
        "my parcel is lost",
        "missing-item",
        2,
    )


def test_accepting_a_choice_writes_the_variant_and_a_bad_one_says_why(
    served: tuple[Inbox, Path],
) -> None:
    inbox, faq = served
    cookie = inbox.login()
    [pair] = requests.get(f"{inbox.url}/api/content", headers=cookie, timeout=10).json()["learned"]
    url = f"{inbox.url}/api/content/learned/{pair['id']}"

    assert (
        requests.post(f"{url}/accept", headers=cookie, timeout=10).status_code == 403
    )  # no header
    done = requests.post(f"{url}/accept", headers={**cookie, **INBOX}, timeout=30)
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert "my parcel is lost" in load_knowledge_base(faq)["missing-item"].variants["en"]
    after = requests.get(f"{inbox.url}/api/content", headers=cookie, timeout=10).json()
    assert after["learned"] == []

    missing = requests.post(
        f"{inbox.url}/api/content/learned/999/accept", headers={**cookie, **INBOX}
    )
    assert missing.status_code == 404


@pytest.mark.slow
def test_an_editor_reads_a_suggestion_and_accepts_a_choice_in_chromium(
    served: tuple[Inbox, Path],
    browser: Browser,  # noqa: F811 - the fixture
) -> None:
    inbox, faq = served
    with open_context(browser, viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        page.goto(inbox.url)
        page.locator("#login-name").fill("Ana M")
        page.locator("#login-password").fill(PASSWORD)
        page.locator("#login-submit").click()
        page.get_by_role("link", name="Content").click()
        expect(page.locator(".ct-card")).to_contain_text("Kann ich mit Bitcoin bezahlen?")
        expect(page.locator(".ct-card")).to_contain_text("We don't take crypto")
        page.get_by_role("button", name="Accept").click()
        expect(page.locator("#ct-status")).to_contain_text("Added to")
    assert "my parcel is lost" in load_knowledge_base(faq)["missing-item"].variants["en"]
