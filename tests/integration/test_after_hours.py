"""After hours, end to end: the action server runs with its clock frozen (time-machine) on a
Sunday evening in Berlin, when the shipped hours.yml says the team is away."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.auxil import fake_telegram
from tests.auxil.fake_telegram import WEBHOOK_SECRET, FakeTelegram
from tests.auxil.servers import BotServers, server_env, servers_at
from tests.integration.test_telegram import customer, new_chat, say
from tests.integration.test_web_widget import CHROMIUM, CHROMIUM_ARGS, ask

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SUNDAY_EVENING = "2026-11-22T22:30:00+01:00"  # closed; back Monday 09:00 Berlin (08:00 UTC)
ANSWER_MS = 90_000


@pytest.fixture(scope="module")
def closed_bot(
    trained_model: Path, telegram_api: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServers]:
    workdir = tmp_path_factory.mktemp("after-hours")
    env = server_env(
        workdir,
        Path("data/faq").resolve(),
        telegram_token=fake_telegram.TOKEN,
        telegram_api_url=telegram_api.base_url,
        telegram_webhook_secret=WEBHOOK_SECRET,
    )
    # Both clocks: the desk in the Rasa server keeps the ticket queued until "Monday".
    with servers_at(workdir, env, trained_model, SUNDAY_EVENING, rasa_too=True) as servers:
        yield servers


def notices(texts: list[str]) -> list[str]:
    return [t for t in texts if "offline" in t or "nicht erreichbar" in t]


def test_web_the_notice_comes_once_in_the_customers_zone_and_faqs_still_work(
    closed_bot: BotServers,
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-US", timezone_id="America/New_York")
        page: Page = context.new_page()
        page.goto(f"{closed_bot.url}/chat")
        bots = page.locator(".msg-bot")

        ask(page, "how do I reset my password?")
        expect(bots.filter(has_text="Forgot password")).to_have_count(1, timeout=ANSWER_MS)
        notice = bots.filter(has_text="offline")
        expect(notice).to_have_count(1)
        # Monday 09:00 in Berlin is 3:00 AM in New York, and the zone is named.
        text = notice.first.inner_text().replace("\u202f", " ")
        assert "Monday, November 23, 2026 at 3:00 AM (Eastern Standard Time)" in text
        assert "common questions" in text

        ask(page, "where is my order?")
        expect(bots.filter(has_text="tracking")).to_have_count(1, timeout=ANSWER_MS)
        ask(page, "I want to talk to a person")
        expect(bots.filter(has_text="passed your request")).to_have_count(1, timeout=ANSWER_MS)
        expect(notice).to_have_count(1)  # once per closed period, not on every message
        browser.close()

    with sqlite3.connect(closed_bot.workdir / "var" / "frontline.db") as db:
        queued = db.execute("SELECT channel, status, reasons, due_at FROM tickets").fetchall()
    assert queued and queued[0][:2] == ("web", "queued") and '"request"' in queued[0][2]
    assert str(queued[0][3]).startswith("2026-11-23 08:00")  # opening time, UTC


def test_telegram_the_notice_names_the_company_zone_in_the_customers_language(
    closed_bot: BotServers, telegram_api: FakeTelegram
) -> None:
    chat = new_chat()
    german = customer(chat, language="de")
    say(closed_bot, chat, "Wo ist meine Bestellung? Sie ist noch nicht angekommen.", user=german)
    sent = [c.params["text"] for c in telegram_api.wait_for("sendMessage", 2, chat_id=chat)]
    [notice] = notices(sent)
    # Telegram does not share the customer's zone: Berlin time, named, formatted in German.
    assert "Montag, 23. November 2026 um 09:00 (Mitteleuropäische Normalzeit)" in notice
    assert "dir" in notice  # Telegram is casual
    assert any("Sendungsverfolgung" in t or "Tracking" in t for t in sent if t != notice)

    say(closed_bot, chat, "Und wie lange dauert eine Rücksendung?", user=german)
    telegram_api.wait_for("sendMessage", 3, chat_id=chat)
    later = [c.params["text"] for c in telegram_api.calls_to("sendMessage", chat_id=chat)]
    assert len(notices(later)) == 1


def test_rest_after_hours_the_answer_comes_first_and_a_queued_ticket_ends_the_offers(
    closed_bot: BotServers,
) -> None:
    sender = f"closed-{uuid.uuid4().hex[:8]}"
    first = closed_bot.say(sender, "I want a refund NOW")
    texts = [r.get("text", "") for r in first]
    assert not any("passed your request" in t for t in texts)  # nothing queued for this
    assert any("offline" in t for t in texts[1:]) and "offline" not in texts[0]

    queued = closed_bot.say(sender, "I want to talk to a person")
    assert any("passed your request" in r.get("text", "") for r in queued)
    later = closed_bot.say(sender, "where is my order?")
    assert any("tracking" in r.get("text", "") for r in later)
    payloads = [b["payload"] for r in later for b in r.get("buttons") or []]
    assert "/request_human" not in payloads  # the team already has it: no more offers
    again = closed_bot.say(sender, "can I talk to someone please")
    assert any("already has your request" in r.get("text", "") for r in again)
