"""``make cluster`` for real: PostgreSQL, Redis, two Rasa replicas and two action servers
behind HAProxy, started by ``frontline cluster run`` and supervised (issue 13).

One conversation moves between replicas and stays whole; an agent's reply from one
replica reaches the customer's widget on the other (socket.io over Redis); a replica
killed with SIGKILL costs customers nothing and comes back by itself.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, expect

from bot.cluster.cli import ENGINES
from bot.cluster.postgres import SUPERUSER
from bot.eval.servers import BIN
from bot.settings import Settings
from bot.store.db import session_factory
from bot.store.engine import connect
from bot.store.incidents import Incidents
from tests.auxil.servers import ROOT, free_port, server_env
from tests.integration.conftest import AGENT, OPEN_HOURS, agents_file
from tests.integration.test_handoff import agent_says, login
from tests.integration.test_web_widget import (  # noqa: F401 - browser is a fixture
    ANSWER_MS,
    ask,
    bot_says,
    browser,
    open_context,
)

pytestmark = [pytest.mark.slow, pytest.mark.integration]

BOOT_S = 420  # two Rasa replicas and two action servers loading on two busy cores


@dataclass
class Cluster:
    url: str
    replicas: list[str]
    token: str
    process: subprocess.Popen[bytes]
    log: Path
    database_url: str

    def say(self, base: str, sender: str, text: str) -> list[dict[str, Any]]:
        reply = requests.post(
            f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=90
        )
        reply.raise_for_status()
        return list(reply.json())

    def user_and_bot(self, sender: str) -> list[tuple[str, str]]:
        tracker = requests.get(
            f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        ).json()
        return [
            (e["event"], e.get("text") or "")
            for e in tracker["events"]
            if e["event"] in ("user", "bot")
        ]


def _up(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _wait(
    condition: Any, timeout: float, what: str, log: Path, process: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or process.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
            raise AssertionError(f"{what} after {timeout:.0f} s; the cluster's log ends:\n{tail}")
        time.sleep(1)


@pytest.fixture(scope="module")
def cluster(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    missing = [label for binary, label in ENGINES.items() if shutil.which(binary) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing {missing}: .ci/run should have installed them")
        pytest.skip(f"missing {missing}")
    # PostgreSQL runs as an unprivileged user under root: pytest's own temporary
    # folders (mode 0700) would keep it out of its data folder.
    workdir = Path(tempfile.mkdtemp(prefix="frontline-cluster-"))
    workdir.chmod(0o755)
    faq_dir = workdir / "faq"
    shutil.copytree(ROOT / "data" / "faq", faq_dir)
    env = server_env(workdir, faq_dir, agents_file=str(agents_file(workdir)))
    env["FRONTLINE_TEST_FROZEN_AT"] = OPEN_HOURS
    port, actions_port, token = free_port(), free_port(), uuid.uuid4().hex
    postgres_port = free_port()
    log = workdir / "cluster.log"
    command = [
        str(BIN / "frontline"), "cluster", "run", "--dir", str(workdir / "state"),
        "--port", str(port), "--actions-port", str(actions_port),
        "--postgres-port", str(postgres_port), "--redis-port", str(free_port()),
        "--api-token", token,
        "--actions-command", f"{sys.executable} -m bot.eval.frozen_actions",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    replicas = [f"http://127.0.0.1:{port + 100}", f"http://127.0.0.1:{port + 101}"]
    try:
        actions = [f"http://127.0.0.1:{actions_port + n}/health" for n in (100, 101)]
        up = lambda: all(_up(u) for u in [*replicas, *actions, url])  # noqa: E731
        _wait(up, BOOT_S, "not up", log, process)
        database = f"postgresql://{SUPERUSER}@127.0.0.1:{postgres_port}/frontline"
        yield Cluster(url, replicas, token, process, log, database)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        kept = tmp_path_factory.mktemp("cluster-log") / "cluster.log"
        shutil.copy(log, kept)  # for a failure's post-mortem
        shutil.rmtree(workdir, ignore_errors=True)


def test_one_conversation_moves_between_replicas_and_stays_whole(cluster: Cluster) -> None:
    sender = f"cluster-{uuid.uuid4().hex[:8]}"
    first, second = cluster.replicas
    asked = ["hello", "how long does a refund take?", "can I pay with paypal?", "thanks"]
    for n, text in enumerate(asked):
        replies = cluster.say([first, second, cluster.url][n % 3], sender, text)
        assert replies and replies[0].get("text"), f"no answer to {text!r}"

    events = cluster.user_and_bot(sender)
    assert [text for kind, text in events if kind == "user"] == asked
    after_each = [events[i + 1][0] for i, (kind, _) in enumerate(events) if kind == "user"]
    assert after_each == ["bot"] * len(asked)  # every message answered, in order


def test_an_agent_on_one_replica_reaches_a_widget_on_the_other(
    cluster: Cluster,
    browser: Browser,  # noqa: F811 - the fixture
) -> None:
    first, second = cluster.replicas
    with open_context(browser) as customer_side, open_context(browser) as agent_side:
        widget = customer_side.new_page()
        widget.goto(f"{first}/chat")
        ask(widget, "I want to talk to a person")
        bot_says(widget, "someone from our team")

        inbox = agent_side.new_page()
        inbox.goto(f"{second}/agent")
        login(inbox)
        item = inbox.locator("li.ticket").first
        expect(item).to_be_visible(timeout=ANSWER_MS)
        item.click()
        inbox.locator("#reply-text").fill("Hello from the other replica, I'm Alice.")
        inbox.locator("#reply-send").click()

        agent_says(widget, "Hello from the other replica", name=AGENT[0])


STATEMENT = "Order tracking is unavailable right now. Next update by 14:00."


def test_an_incident_statement_reaches_each_conversation_once_across_replicas(
    cluster: Cluster,
) -> None:
    settings = Settings()
    incidents = Incidents(
        sessions=session_factory(connect(cluster.database_url)),
        languages=settings.languages,
        default_language=settings.default_language,
    )
    statement = {language: STATEMENT for language in settings.languages}
    draft = incidents.open(
        title="Tracking down", topic="faq:track-order", statement=statement, by="t"
    )
    incident = incidents.approve(draft.id, by="t")
    time.sleep(6)  # each action server reads the live incidents at most every 5 s
    try:
        senders = [f"cluster-crisis-{uuid.uuid4().hex[:8]}" for _ in range(4)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            asks = [
                pool.submit(cluster.say, replica, sender, "where is my order?")
                for sender in senders
                for replica in cluster.replicas  # each conversation on both at once
            ]
            assert all(future.result() for future in asks)
        for sender in senders:
            said = [text for kind, text in cluster.user_and_bot(sender) if kind == "bot"]
            assert sum(text.startswith("Order tracking is unavailable") for text in said) == 1
        sent = [e for e in incidents.audit(incident.id) if e.what == "statement_sent"]
        assert sorted(e.detail["conversation"] for e in sent) == sorted(senders)
    finally:
        incidents.resolve(incident.id, statement, by="t")
        time.sleep(6)


def _pid_listening_on(port: int) -> int:
    listing = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"pid=(\d+)", listing)
    assert found, f"nothing listens on {port}: {listing!r}"
    return int(found.group(1))


def test_a_killed_replica_costs_customers_nothing_and_comes_back(cluster: Cluster) -> None:
    port = int(cluster.replicas[0].rsplit(":", 1)[1])
    os.kill(_pid_listening_on(port), signal.SIGKILL)
    killed_at = time.monotonic()

    sender = f"cluster-{uuid.uuid4().hex[:8]}"
    for text in ["hi", "where is my order?", "how do I reset my password?"]:
        replies = cluster.say(cluster.url, sender, text)  # HAProxy retries on the other
        assert replies and "Something went wrong" not in replies[0].get("text", "")

    back = "the killed replica not back"
    _wait(lambda: _up(cluster.replicas[0]), BOOT_S, back, cluster.log, cluster.process)
    assert "rasa1 was killed by SIGKILL" in cluster.log.read_text(errors="replace")
    print(f"\nreplica back after {time.monotonic() - killed_at:.0f} s")
