"""The Rasa server's edges, probed as an attacker would (issue 13), on the real server.

Each of these was once accepted; each is refused now, before any work is done, and the
bot keeps answering everyone else.
"""

from __future__ import annotations

import concurrent.futures
import json
import time
import uuid

import pytest
import requests

from tests.auxil.servers import BotServers

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REST = "/webhooks/rest/webhook"


def test_the_root_says_it_is_up_without_naming_rasa_or_its_version(bot: BotServers) -> None:
    root = requests.get(bot.url + "/", timeout=10)

    assert root.status_code == 200
    assert "rasa" not in root.text.lower() and "3.6" not in root.text


def test_a_megabyte_is_refused_at_once_and_nobody_else_waits(bot: BotServers) -> None:
    huge = json.dumps({"sender": "probe-huge", "message": "x" * 2**20}).encode()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        started = time.perf_counter()
        refused = pool.submit(requests.post, bot.url + REST, data=huge, timeout=30)
        status = refused.result().status_code
        elapsed = time.perf_counter() - started
        others = [
            pool.submit(bot.say, f"probe-{uuid.uuid4().hex[:8]}", "how do I reset my password?")
            for _ in range(3)
        ]
        answers = [future.result(timeout=120) for future in others]

    assert status == 413 and elapsed < 0.5
    assert all("Forgot password" in " ".join(m.get("text", "") for m in a) for a in answers)


@pytest.mark.parametrize(
    "body",
    [
        {"message": "hi"},
        {"sender": "probe-empty", "message": ""},
        {"sender": "probe-none"},
    ],
)
def test_requests_without_a_sender_or_a_message_get_400(bot: BotServers, body: dict) -> None:
    reply = requests.post(bot.url + REST, json=body, timeout=10)
    assert reply.status_code == 400
    events = bot.tracker("default")["events"] or []
    assert [e for e in events if e["event"] == "user"] == []


def test_typed_payloads_are_text_never_intents_with_entities(bot: BotServers) -> None:
    sender = f"probe-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "/request_human")
    bot.say(sender, '/faq_choose{"faq_id": "delete-account"}')
    users = [e for e in bot.tracker(sender)["events"] if e["event"] == "user"]

    assert [u["text"] for u in users] == ["request_human", 'faq_choose{"faq_id": "delete-account"}']
    assert all(u["parse_data"]["entities"] == [] for u in users)
    assert users[1]["parse_data"]["intent"]["name"] != "faq_choose"


@pytest.mark.parametrize("path", [REST, "/agent/api/tickets", "/agent/login"])
def test_no_route_grants_credentialed_cors_and_strangers_get_none(
    bot: BotServers, path: str
) -> None:
    preflight = requests.options(
        bot.url + path,
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Frontline-Inbox, Content-Type",
        },
        timeout=10,
    )
    headers = {key.lower(): value for key, value in preflight.headers.items()}
    assert "access-control-allow-credentials" not in headers
    assert headers.get("access-control-allow-origin") in (None, "")
    assert "x-frontline-inbox" not in headers.get("access-control-allow-headers", "").lower()


def test_an_allowed_site_may_call_rest_but_never_with_credentials(bot: BotServers) -> None:
    allowed = json.loads(bot.env["FRONTLINE_WEB_ALLOWED_ORIGINS"])[0]
    reply = requests.post(
        bot.url + REST,
        json={"sender": f"probe-{uuid.uuid4().hex[:8]}", "message": "hello"},
        headers={"Origin": allowed},
        timeout=60,
    )
    assert reply.headers.get("Access-Control-Allow-Origin") == allowed
    assert "Access-Control-Allow-Credentials" not in reply.headers
    agent = requests.get(bot.url + "/agent/login", headers={"Origin": allowed}, timeout=10)
    assert "Access-Control-Allow-Origin" not in agent.headers
