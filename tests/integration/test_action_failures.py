"""When the action server fails, the customer never gets silence (issue 13).

The real Rasa server (through ``frontline rasa``) talks to a small action server of
our own that fails on cue: once (Rasa retries and the customer gets the answer, once),
always (an apology in the customer's language), or not at all because it was killed
(an apology; answers again once it is back).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic, response
from sanic.request import Request

from tests.auxil.sanic_server import start_app, stop_app
from tests.auxil.servers import BotServers, free_port, server_env

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def fake_actions(calls: Path) -> Sanic:
    """``action_turn`` that answers "ok: <text>", fails "flaky" messages on their first
    call and "broken" ones always; every call is logged to ``calls``."""
    app = Sanic(f"fake_actions_{uuid.uuid4().hex[:8]}")
    seen: set[str] = set()

    @app.post("/webhook")
    async def webhook(request: Request) -> Any:
        body = request.json
        message = body["tracker"]["latest_message"]
        text, message_id = message["text"], message.get("message_id", "")
        with calls.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"text": text}) + "\n")
        if "broken" in text or ("flaky" in text and message_id not in seen):
            seen.add(message_id)
            return response.json({"error": "boom"}, status=500)
        return response.json({"events": [], "responses": [{"text": f"ok: {text}"}]})

    @app.get("/health")
    async def health(request: Request) -> Any:
        return response.json({"status": "ok"})

    return app


@pytest.fixture(scope="module")
def rig(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The real Rasa server, and the fake action server as a process a test may kill."""
    workdir = tmp_path_factory.mktemp("failures")
    calls = workdir / "calls.jsonl"
    port = free_port()
    env = server_env(workdir, workdir / "faq")
    servers = BotServers(workdir=workdir, env=env, actions_port=port)
    servers.start_rasa(trained_model, timeout=None)
    state = {"servers": servers, "calls": calls, "port": port}
    state["actions"] = start_app(lambda: fake_actions(calls), port)
    try:
        servers.wait_for_rasa(400)
        yield state
    finally:
        stop_app(state["actions"])
        servers.stop()


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [reply.get("text", "") for reply in replies]


def calls_for(calls: Path, text: str) -> int:
    lines = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    return sum(json.loads(line)["text"] == text for line in lines)


def test_a_failed_call_is_retried_and_answered_once(rig: dict[str, Any]) -> None:
    replies = rig["servers"].say(f"probe-{uuid.uuid4().hex[:6]}", "a flaky question")

    assert texts(replies) == ["ok: a flaky question"]
    assert calls_for(rig["calls"], "a flaky question") == 2


def test_an_action_server_that_keeps_failing_gets_the_customer_an_apology(
    rig: dict[str, Any],
) -> None:
    servers = rig["servers"]
    sender = f"probe-{uuid.uuid4().hex[:6]}"
    replies = servers.say(sender, "ein broken Satz", locale="de-DE")

    assert texts(replies) == [
        "Das tut mir leid. Bei mir ist etwas schiefgelaufen. Bitte versuchen Sie es gleich "
        "noch einmal."
    ]
    bot_events = [e for e in servers.tracker(sender)["events"] if e["event"] == "bot"]
    assert bot_events[-1]["metadata"]["kind"] == "apology"


def test_a_killed_action_server_means_an_apology_then_answers_when_it_is_back(
    rig: dict[str, Any],
) -> None:
    servers, calls, port = rig["servers"], rig["calls"], rig["port"]
    sender = f"probe-{uuid.uuid4().hex[:6]}"
    assert texts(servers.say(sender, "before")) == ["ok: before"]

    rig["actions"].kill()  # kill -9
    rig["actions"].join(10)
    during = servers.say(sender, "during the outage")
    assert len(during) == 1 and "Something went wrong" in during[0]["text"]

    rig["actions"] = start_app(lambda: fake_actions(calls), port)
    assert texts(servers.say(sender, "after")) == ["ok: after"]
