"""The web chat widget in real headless Chromium, against the running Rasa and action servers.

Each test opens its own browser context, so it has its own localStorage and therefore
its own widget session (and its own rate-limit bucket).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import yaml
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.auxil.servers import ROOT, BotServers, free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_MS = 90_000  # a bot turn on a busy CI machine
SESSION_KEY = "frontline.web.session"
SCREENSHOT = ROOT / "docs" / "widget.png"
INJECTION = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def open_context(browser: Browser, **options: Any) -> Iterator[BrowserContext]:
    settings = {"locale": "en-US", "timezone_id": "America/New_York", **options}
    context = browser.new_context(**settings)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, bot: BotServers) -> Iterator[Page]:
    with open_context(browser, viewport={"width": 400, "height": 860}) as context:
        page = context.new_page()
        page.goto(f"{bot.url}/chat")
        yield page


def ask(page: Page, text: str, *, label: str = "Your message") -> None:
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")


def bot_says(page: Page, text: str) -> None:
    expect(page.locator(".msg-bot").filter(has_text=text).last).to_be_visible(timeout=ANSWER_MS)


def session_of(page: Page) -> str:
    session_id = page.evaluate(f"localStorage.getItem('{SESSION_KEY}')")
    assert isinstance(session_id, str) and len(session_id) == 32
    return session_id


def user_events(bot: BotServers, session_id: str) -> list[dict[str, Any]]:
    events = bot.tracker(f"web-{session_id}")["events"]
    return [event for event in events if event["event"] == "user"]


def test_an_faq_is_answered_and_the_history_survives_a_reload(page: Page, bot: BotServers) -> None:
    ask(page, "how do I reset my password")
    bot_says(page, "Forgot password")
    answer = page.locator(".msg-bot").last
    expect(answer.locator("strong").first).to_have_text("Forgot password?")
    link = answer.get_by_role("link", name="Reset your password")
    expect(link).to_have_attribute("href", "https://shop.example/account/password")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    session_id = session_of(page)

    page.reload()
    log = page.get_by_role("log")
    expect(log.locator(".msg-user")).to_have_text(["You: how do I reset my password"])
    expect(log.locator(".msg-bot").first).to_contain_text("Forgot password")
    assert session_of(page) == session_id

    ask(page, "I need to correct the address")
    choice = page.get_by_role("button", name="Can I change the delivery address", exact=False)
    expect(choice).to_be_enabled(timeout=ANSWER_MS)
    expect(page.get_by_role("button", name="None of these")).to_be_visible()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    choice.click()
    bot_says(page, "ship")
    expect(choice).to_be_disabled()
    expect(page.get_by_label("Your message")).to_be_focused()

    page.reload()
    # The click comes back as the button's title (not its payload), its buttons disabled.
    expect(page.locator(".msg-user")).to_have_text(
        [
            "You: how do I reset my password",
            "You: I need to correct the address",
            "You: Can I change the delivery address of an order I already placed?",
        ]
    )
    restored = page.get_by_role("button", name="Can I change the delivery address", exact=False)
    expect(restored).to_be_disabled()
    expect(page.get_by_role("button", name="None of these")).to_be_disabled()
    assert [e["text"] for e in user_events(bot, session_id)][-1] == (
        '/faq_choose{"faq_id": "change-order-address"}'
    )


def test_locale_and_timezone_hints_reach_the_tracker_and_the_bot_shows_it_is_typing(
    browser: Browser, bot: BotServers
) -> None:
    with open_context(browser, locale="de-DE", timezone_id="Europe/Berlin") as context:
        page = context.new_page()
        page.goto(f"{bot.url}/chat")
        expect(page.get_by_role("button", name="Senden")).to_be_visible()
        page.evaluate(
            """() => {
                window.__typingSeen = null;
                const indicator = document.getElementById("chat-typing");
                new MutationObserver(() => {
                    if (!indicator.hidden && window.__typingSeen === null) {
                        window.__typingSeen = indicator.textContent.trim();
                    }
                }).observe(indicator, {attributes: true});
            }"""
        )
        ask(page, "wie ändere ich meine Adresse?", label="Ihre Nachricht")
        bot_says(page, "Adress")
        assert page.evaluate("window.__typingSeen") == "Der Assistent schreibt…"
        expect(page.locator("#chat-typing")).to_be_hidden()

        [event] = user_events(bot, session_of(page))
        assert event["text"] == "wie ändere ich meine Adresse?"
        assert event["input_channel"] == "web"
        metadata = event["metadata"]
        assert (metadata["platform"], metadata["locale_hint"], metadata["timezone"]) == (
            "web",
            "de-DE",
            "Europe/Berlin",
        )


def test_markup_from_a_customer_or_from_the_bot_is_shown_as_text(
    page: Page, bot: BotServers
) -> None:
    ask(page, INJECTION)
    expect(page.locator(".msg-user").last).to_have_text(f"You: {INJECTION}")

    faq_file = bot.workdir / "faq" / "zz-web-markup-test.yml"
    answer = (
        '<b>html</b><script>window.__pwned=3</script><img src=x onerror="window.__pwned=4"> '
        "**Yes**, purple zebra stickers ship worldwide."
    )
    entry = {
        "id": "web-purple-zebra-stickers",
        "question": {"en": "Do you sell purple zebra stickers?"},
        "variants": {"en": ["purple zebra stickers", "zebra stickers in purple"]},
        "answer": {"en": answer},
        "tags": ["test"],
        "owner": "web-widget-tests",
        "last_reviewed": "2026-01-15",  # before the servers' frozen clock
    }
    faq_file.write_text(yaml.safe_dump({"entries": [entry]}), encoding="utf-8")
    try:
        question = "Do you sell purple zebra stickers?"
        # A fresh conversation per probe: misses in one would hand it to a person.
        probe = lambda: texts(bot.say(f"probe-reload-{uuid.uuid4().hex[:8]}", question))  # noqa: E731
        wait_for(lambda: "zebra" in probe(), 10)
        ask(page, question)
        bot_says(page, "zebra stickers ship worldwide")
        reply = page.locator(".msg-bot").last
        expect(reply).to_contain_text("<b>html</b><script>window.__pwned=3</script><img src=x")
        expect(reply.locator("strong")).to_have_text("Yes")
    finally:
        faq_file.unlink()

    log = page.get_by_role("log")
    assert log.locator("script, img, b").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_too_long_and_too_fast_get_clear_errors_and_never_reach_the_bot(
    page: Page, bot: BotServers
) -> None:
    too_long = "x" * 2001
    ask(page, too_long)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("too long for me: 2,000 characters at most")  # locale-formatted
    expect(page.get_by_label("Your message")).to_have_value(too_long)  # given back to edit
    expect(page.locator(".msg-user")).to_have_count(0)

    for n in range(8):
        ask(page, f"hi {n}")
    expect(alert).to_contain_text("faster than I can read them")
    session_id = session_of(page)
    # The burst of 5 goes through (plus a token refilled meanwhile, at 20 a minute).
    wait_for(lambda: len(user_events(bot, session_id)) >= 5, ANSWER_MS / 1000)
    sent = [event["text"] for event in user_events(bot, session_id)]
    assert sent[:5] == [f"hi {n}" for n in range(5)] and len(sent) <= 6, sent


def test_keyboard_alone_is_enough(page: Page) -> None:
    tab_until(page, "document.activeElement.id === 'chat-input'")
    page.keyboard.type("I need to correct the address")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="None of these")).to_be_visible(timeout=ANSWER_MS)

    target = "Can I change the delivery address of an order I already placed?"
    tab_until(page, f"document.activeElement.textContent === {json.dumps(target)}", back=True)
    page.keyboard.press("Enter")
    bot_says(page, "ship")
    expect(page.get_by_label("Your message")).to_be_focused()


def test_a_resent_message_is_answered_once_and_every_tab_sees_it(
    page: Page, bot: BotServers
) -> None:
    ask(page, "hello")
    bot_says(page, "Northwind Goods assistant")
    session_id = session_of(page)
    # A second tab of the same session sends one message twice with the same id,
    # as the widget does when the socket reconnects before the first was acknowledged.
    statuses = page.evaluate(
        """async (sessionId) => {
            const tab = io({path: "/chat/socket.io", forceNew: true});
            await new Promise((resolve) => tab.on("connect", resolve));
            await tab.timeout(60000).emitWithAck("session_request", {session_id: sessionId});
            const message = {id: "resend-test-0001", text: "how do I reset my password",
                             metadata: {locale: "en-US", timezone: "UTC"}};
            const first = await tab.timeout(90000).emitWithAck("user_uttered", message);
            const second = await tab.timeout(90000).emitWithAck("user_uttered", message);
            tab.close();
            return [first.status, second.status];
        }""",
        session_id,
    )
    assert statuses == ["accepted", "duplicate"]
    expect(page.locator(".msg-user").last).to_have_text("You: how do I reset my password")
    expect(page.locator(".msg-bot").filter(has_text="Forgot password")).to_have_count(1)
    sent = [e["text"] for e in user_events(bot, session_id)]
    assert sent == ["hello", "how do I reset my password"]


def test_only_allowed_origins_may_use_the_socket_or_frame_the_page(bot: BotServers) -> None:
    polling = f"{bot.url}/chat/socket.io/?EIO=4&transport=polling"
    refused = requests.get(polling, headers={"Origin": "https://evil.example"}, timeout=10)
    assert refused.status_code == 400
    assert "not an accepted origin" in refused.text
    same = requests.get(polling, headers={"Origin": bot.url}, timeout=10)
    assert same.status_code == 200 and '"sid"' in same.text
    assert same.headers["Access-Control-Allow-Origin"] == bot.url

    page = requests.get(f"{bot.url}/chat", timeout=10)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'self'" in policy
    script = requests.get(f"{bot.url}/chat/widget.js", timeout=10)
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert requests.get(f"{bot.url}/chat/static/channel.py", timeout=10).status_code == 404


def test_the_snippet_adds_a_keyboard_launcher_and_a_site_off_the_allowlist_gets_no_chat(
    browser: Browser, bot: BotServers
) -> None:
    allowed = json.loads(bot.env.get("FRONTLINE_WEB_ALLOWED_ORIGINS") or "[]")
    port = free_port()
    assert f"http://localhost:{port}" not in allowed
    with shop_page(port, bot.url) as shop, open_context(browser) as context:
        page = context.new_page()
        page.goto(shop)
        launcher = page.locator("#frontline-chat-launcher")
        expect(launcher).to_have_accessible_name("Chat with us")
        tab_until(page, "document.activeElement.id === 'frontline-chat-launcher'")
        page.keyboard.press("Enter")
        expect(launcher).to_have_attribute("aria-expanded", "true")
        expect(launcher).to_have_accessible_name("Close chat")
        frame = page.locator("iframe[title='Chat']")
        expect(frame).to_be_visible()
        # frame-ancestors refuses the page: Chromium shows its error page, not the chat.
        for _ in range(100):
            if any(f.url.startswith("chrome-error:") for f in page.frames):
                break
            page.wait_for_timeout(200)  # unlike time.sleep, lets Playwright take in events
        else:
            raise AssertionError(f"the chat was not refused: {[f.url for f in page.frames]}")
        expect(page.frame_locator("iframe[title='Chat']").locator("#chat-input")).to_have_count(0)


def test_the_snippet_works_on_an_allowed_site(browser: Browser, bot: BotServers) -> None:
    allowed = json.loads(bot.env.get("FRONTLINE_WEB_ALLOWED_ORIGINS") or "[]")
    ports = [int(o.rsplit(":", 1)[1]) for o in allowed if o.startswith("http://localhost:")]
    if not ports:
        pytest.skip("the bot fixture sets no http://localhost:<port> web_allowed_origins")
    with shop_page(ports[0], bot.url) as shop, open_context(browser) as context:
        page = context.new_page()
        page.goto(shop)
        expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
        tab_until(page, "document.activeElement.id === 'frontline-chat-launcher'")
        page.keyboard.press("Enter")
        chat = page.frame_locator("iframe[title='Chat']")
        expect(chat.get_by_label("Your message")).to_be_focused(timeout=20_000)
        page.keyboard.type("how do I reset my password")
        page.keyboard.press("Enter")
        expect(chat.locator(".msg-bot").last).to_contain_text("Forgot password", timeout=ANSWER_MS)
        page.keyboard.press("Escape")
        expect(page.locator("#frontline-chat-panel")).to_be_hidden()
        expect(page.get_by_role("button", name="Chat with us")).to_be_focused()


# Helpers


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def wait_for(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"not true within {timeout}s")


def tab_until(page: Page, condition: str, *, back: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until ``condition`` holds in the page, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"() => {condition}"):
            return
    raise AssertionError(f"never reached by keyboard: {condition}")


@contextmanager
def shop_page(port: int, bot_url: str) -> Iterator[str]:
    """A shop's page on another local origin (``http://localhost:<port>``) with the snippet."""
    body = (
        "<!doctype html><html lang='en'><head><title>Shop</title></head><body>"
        "<h1>Northwind Goods</h1><a href='#'>Products</a>"
        f"<script src='{bot_url}/chat/widget.js' async></script></body></html>"
    ).encode()

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_language_selector_switches_the_page_and_the_conversation(
    page: Page, bot: BotServers
) -> None:
    from bot.tone.formality import register_of

    ask(page, "where is my order?")
    bot_says(page, "tracking")
    page.get_by_label("Language").select_option("es")
    expect(page.get_by_label("Su mensaje")).to_have_attribute("placeholder", "Escriba su pregunta…")
    bot_says(page, "Claro, seguimos en español.")
    ask(page, "¿Cómo restablezco mi contraseña?", label="Su mensaje")
    bot_says(page, "Olvidó su contraseña")
    answer = page.locator(".msg-bot").last.inner_text()
    assert register_of(answer, "es") == "formal"  # usted on the web widget
    slots = bot.tracker(f"web-{session_of(page)}")["slots"]
    assert (slots["language"], slots["language_pinned"]) == ("es", True)

    page.get_by_label("Idioma").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    bot_says(page, "العربية")
