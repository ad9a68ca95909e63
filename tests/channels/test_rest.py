"""The hardened REST channel (bot/channels/rest.py), over real HTTP on 127.0.0.1.

Each probe that was once accepted (issue 13: no sender, an empty message, typed
``/request_human``, a megabyte, anyone who could reach the port) is refused here with
the status that says why, before Rasa sees anything.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from rasa.core.channels.channel import UserMessage, register
from rasa.core.lock_store import LockError
from sanic import Sanic

from bot.channels.pressure import TurnSlots
from bot.channels.rest import RestInput
from bot.settings import Settings
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog
from bot.store.tracker_store import TrackerStoreUnavailable
from tests.auxil.sanic_server import serving

URL = "/webhooks/rest/webhook"
NAMES = itertools.count()


@dataclass
class Rasa:
    """Stands in for Rasa's message handler in the server process: records each message
    (in a file the test reads) and answers it."""

    log: Path
    delay: float = 0.0

    async def __call__(self, message: UserMessage) -> None:
        if "lock fails once" in message.text and not any(
            r.get("refused") == message.text for r in self._records()
        ):
            self._write({"refused": message.text})
            raise LockError("Error while acquiring lock. Error:\nConnection refused")
        self._write({"received": message.text, "metadata": message.metadata})
        await asyncio.sleep(self.delay)
        await message.output_channel.send_text_message(message.sender_id, f"re: {message.text}")
        if "save fails once" in message.text and self.received.count(message.text) == 1:
            # Rasa answers first and saves last: the database went away in between.
            raise TrackerStoreUnavailable("server closed the connection unexpectedly")
        self._write({"finished": message.text})

    def _write(self, record: dict) -> None:
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    def _records(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    @property
    def received(self) -> list[str]:
        return [r["received"] for r in self._records() if "received" in r]

    @property
    def metadata(self) -> list[dict]:
        return [r["metadata"] for r in self._records() if "received" in r]

    @property
    def finished(self) -> list[str]:
        return [r["finished"] for r in self._records() if "finished" in r]


def start(tmp_path: Path, rasa: Rasa, slots: TurnSlots | None = None, **settings: object):
    def app() -> Sanic:
        sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
        channel = RestInput(
            settings=Settings(var_dir=tmp_path, **settings),
            deliveries=DeliveryLog(sessions=sessions),
            addresses=AddressBook(sessions=sessions),
            slots=slots,
        )
        server = Sanic(f"rest_test_{next(NAMES)}")
        server.config.REQUEST_MAX_SIZE = 64 * 1024
        register([channel], server, route="/webhooks/")  # mounted where Rasa mounts it
        server.ctx.agent = SimpleNamespace(handle_message=rasa)
        return server

    return serving(app)


@pytest.fixture
def rasa(tmp_path: Path) -> Rasa:
    return Rasa(tmp_path / "rasa.jsonl")


@pytest.fixture
def url(tmp_path: Path, rasa: Rasa) -> Iterator[str]:
    with start(tmp_path, rasa) as base:
        yield base + URL


def post(url: str, body: object, **kwargs: object) -> requests.Response:
    return requests.post(url, json=body, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_a_message_is_answered_with_rasa_s_reply_shape(url: str, rasa: Rasa) -> None:
    reply = post(url, {"sender": "ana", "message": "where is my order?", "locale": "de-AT"})

    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": "ana", "text": "re: where is my order?"}]
    assert rasa.received == ["where is my order?"]
    assert rasa.metadata[0]["locale_hint"] == "de-AT"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"message": "hi"}, 400),
        ({"sender": "", "message": "hi"}, 400),
        ({"sender": 7, "message": "hi"}, 400),
        ({"sender": "ana"}, 400),
        ({"sender": "ana", "message": "   "}, 400),
        ({"sender": "ana", "message": ["hi"]}, 400),
        ({"sender": "web-0123456789abcdef0123456789abcdef", "message": "hi"}, 400),
        ({"sender": "x" * 200, "message": "hi"}, 400),
        (["sender", "message"], 400),
        ({"sender": "ana", "message": "x" * 4001}, 413),
    ],
)
def test_a_bad_request_is_refused_before_rasa_sees_it(
    url: str, rasa: Rasa, body: object, status: int
) -> None:
    reply = post(url, body)

    assert reply.status_code == status and "error" in reply.json()
    assert rasa.received == []


def test_malformed_json_and_a_megabyte_are_refused_at_once(url: str, rasa: Rasa) -> None:
    bad = requests.post(url, data=b"{not json", timeout=10)
    started = time.perf_counter()
    huge = requests.post(
        url, data=b'{"sender": "a", "message": "' + b"x" * 2**20 + b'"}', timeout=10
    )
    elapsed = time.perf_counter() - started

    assert bad.status_code == 400
    assert huge.status_code == 413 and elapsed < 1.0
    assert post(url, {"sender": "ana", "message": "still here?"}).status_code == 200
    assert rasa.received == ["still here?"]


def test_typed_intents_are_text_commands_are_commands_and_clicks_are_clicks(
    url: str, rasa: Rasa
) -> None:
    post(url, {"sender": "ana", "message": "/request_human"})
    post(url, {"sender": "ana", "message": '/faq_choose{"faq_id": "refund-time"}'})
    post(url, {"sender": "ana", "message": "/human"})
    post(url, {"sender": "ana", "message": "/request_human", "title": "Talk to a person"})

    assert rasa.received == [
        "request_human",
        'faq_choose{"faq_id": "refund-time"}',
        "/request_human",
        "/request_human",
    ]
    assert rasa.metadata[3]["button_title"] == "Talk to a person"


def test_a_conversation_over_its_rate_gets_429(tmp_path: Path, rasa: Rasa) -> None:
    with start(tmp_path, rasa, rest_rate_limit_burst=2, rest_rate_limit_per_minute=1) as base:
        codes = [
            post(base + URL, {"sender": "ana", "message": f"m{i}"}).status_code for i in range(3)
        ]
        other = post(base + URL, {"sender": "ben", "message": "hello"}).status_code

    assert codes == [200, 200, 429] and other == 200
    assert len(rasa.received) == 3


def test_a_resent_message_is_answered_once(url: str, rasa: Rasa) -> None:
    body = {"sender": "ana", "message": "refund?", "message_id": "m-1"}
    first, again = post(url, body), post(url, body)

    assert first.json()[0]["text"] == "re: refund?"
    assert again.status_code == 200 and again.json() == []
    assert len(rasa.received) == 1


def test_with_a_token_everyone_needs_it_loopback_too(tmp_path: Path, rasa: Rasa) -> None:
    with start(tmp_path, rasa, rest_token="s3cret-token") as base:
        body = {"sender": "ana", "message": "hi"}
        missing = post(base + URL, body)
        wrong = post(base + URL, body, headers={"Authorization": "Bearer nope"})
        right = post(base + URL, body, headers={"Authorization": "Bearer s3cret-token"})

    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert len(rasa.received) == 1


def test_without_a_token_only_local_clients_are_served(url: str, rasa: Rasa) -> None:
    # Behind a local proxy, the client it forwards for is the one that counts.
    remote = post(
        url, {"sender": "ana", "message": "hi"}, headers={"X-Forwarded-For": "203.0.113.9"}
    )
    spoofed = post(
        url,
        {"sender": "ana", "message": "hi"},
        headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.9"},
    )
    local = post(url, {"sender": "ana", "message": "hi"}, headers={"X-Forwarded-For": "127.0.0.1"})

    assert (remote.status_code, spoofed.status_code, local.status_code) == (403, 403, 200)
    assert len(rasa.received) == 1


def test_a_client_that_stops_waiting_does_not_cut_the_turn_short(tmp_path: Path) -> None:
    rasa = Rasa(tmp_path / "rasa.jsonl", delay=1.0)
    with start(tmp_path, rasa) as base:
        with pytest.raises(requests.Timeout):
            requests.post(base + URL, json={"sender": "ana", "message": "slow"}, timeout=0.2)
        deadline = time.monotonic() + 5
        while not rasa.finished and time.monotonic() < deadline:
            time.sleep(0.05)

    assert rasa.finished == ["slow"]


def test_past_the_turns_in_flight_a_customer_hears_at_once_that_we_are_busy(
    tmp_path: Path,
) -> None:
    rasa = Rasa(tmp_path / "rasa.jsonl", delay=1.0)
    slots = TurnSlots(limit=1)
    with start(tmp_path, rasa, slots=slots) as base:
        import threading

        first: list[requests.Response] = []
        worker = threading.Thread(
            target=lambda: first.append(post(base + URL, {"sender": "ana", "message": "one"}))
        )
        worker.start()
        while not rasa.received:
            time.sleep(0.01)
        started = time.perf_counter()
        busy = post(base + URL, {"sender": "ben", "message": "zwei", "locale": "de"})
        elapsed = time.perf_counter() - started
        worker.join()

    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert "Minute" in busy.json()[0]["text"] and elapsed < 0.5
    assert first[0].status_code == 200 and rasa.received == ["one"]


def test_a_turn_that_could_not_lock_its_conversation_is_a_503_and_its_resend_runs(
    url: str, rasa: Rasa
) -> None:
    body = {"sender": "ana", "message": "lock fails once", "message_id": "m-lock"}
    refused = requests.post(url, json=body, timeout=10)
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    again = requests.post(url, json=body, timeout=10)  # the same message, sent again
    assert again.status_code == 200
    assert again.json() == [{"recipient_id": "ana", "text": "re: lock fails once"}]
    assert rasa.received == ["lock fails once"]


def test_a_turn_rasa_could_not_save_is_a_503_without_its_replies_and_its_resend_runs(
    url: str, rasa: Rasa
) -> None:
    body = {"sender": "ana", "message": "save fails once", "message_id": "m-save"}
    refused = requests.post(url, json=body, timeout=10)
    assert refused.status_code == 503  # the reply belongs to no stored conversation
    assert "re: save fails once" not in refused.text
    again = requests.post(url, json=body, timeout=10)
    assert again.status_code == 200
    assert again.json() == [{"recipient_id": "ana", "text": "re: save fails once"}]
    assert rasa.received == ["save fails once", "save fails once"]
