"""Learning from clicks, end to end: a customer's click in the widget (headless Chromium)
becomes a pair that an editor lists and accepts with ``frontline faq learn``; the next
customer who asks the same way gets the answer directly, without a restart.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.auxil.servers import ROOT, BotServers
from tests.integration.test_web_widget import ANSWER_MS, ask, bot_says, browser, open_context

pytestmark = [pytest.mark.slow, pytest.mark.integration]
__all__ = ["browser"]  # the module-scoped Chromium fixture, shared

QUESTION = "I need a different address"  # between the account's and an order's address
CHOICE = "Can I change the delivery address"


def frontline(bot: BotServers, *args: str) -> str:
    """The editor's command, against the running bot's database and knowledge base."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, **bot.env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_a_click_becomes_a_variant_and_the_next_customer_gets_the_answer(
    browser: Browser, bot: BotServers
) -> None:
    faq_file = Path(bot.env["FRONTLINE_FAQ_DIR"]) / "orders.yml"
    original = faq_file.read_text(encoding="utf-8")
    try:
        with open_context(browser) as context:
            page = context.new_page()
            page.goto(f"{bot.url}/chat")
            ask(page, QUESTION)
            choice = page.get_by_role("button", name=CHOICE, exact=False)
            expect(choice).to_be_enabled(timeout=ANSWER_MS)
            choice.click()
            bot_says(page, "ship")

        listing = frontline(bot, "faq", "learn")
        line = next(line for line in listing.splitlines() if QUESTION in line)
        assert "change-order-address" in line and "1 customer(s)" in line
        pair_id = re.match(r"\s*(\d+)", line)
        assert pair_id is not None

        written = frontline(bot, "faq", "learn", "--accept", pair_id.group(1), "--write")
        assert "orders.yml" in written
        assert f'"{QUESTION}"' in faq_file.read_text(encoding="utf-8")
        assert pair_id.group(1) not in [
            row.split()[0] for row in frontline(bot, "faq", "learn").splitlines() if row.strip()
        ]

        # The reload and the new thresholds take a moment; a new customer asks meanwhile.
        deadline = time.monotonic() + 120
        with open_context(browser) as context:
            page = context.new_page()
            page.goto(f"{bot.url}/chat")
            while True:
                bot_messages, choices = page.locator(".msg-bot"), page.locator(".choices")
                seen, offered = bot_messages.count(), choices.count()
                ask(page, QUESTION)
                expect(bot_messages).not_to_have_count(seen, timeout=ANSWER_MS)
                page.wait_for_timeout(1500)  # every message of this turn has arrived
                answered = choices.count() == offered
                if answered or time.monotonic() > deadline:
                    break
                page.wait_for_timeout(2000)
            assert answered, "the learned phrasing still gets a clarification"
            expect(bot_messages.filter(has_text="ship").last).to_be_visible()
    finally:
        faq_file.write_text(original, encoding="utf-8")
