"""The widget's socket.io handlers (bot/channels/web/conversation.py), with a recording server.

Rasa is replaced by an ``on_new_message`` that records each UserMessage and answers
through the output channel it was given, as Rasa's agent does.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.web import WebChatInput
from bot.channels.web.conversation import WebConversations
from bot.channels.web.sessions import new_session_id
from bot.settings import Settings
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog

T = TypeVar("T")
MESSAGE_ID = "3f0c2d9e-58b4-4a0e-9d7e-1c2b3a4d5e6f"


@dataclass
class Emitted:
    event: str
    data: Any
    to: str | None
    skip_sid: str | None


@dataclass
class RecordingSocketServer:
    """Records what the handlers emit and which rooms and sessions sockets have."""

    emitted: list[Emitted] = field(default_factory=list)
    rooms: dict[str, set[str]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    peers: dict[str, tuple[str, str]] = field(default_factory=dict)  # sid: (ip, forwarded)

    async def emit(
        self, event: str, data: Any = None, to: str | None = None, **kwargs: Any
    ) -> None:
        self.emitted.append(Emitted(event, data, to, kwargs.get("skip_sid")))

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.rooms.setdefault(room, set()).add(sid)

    async def save_session(
        self, sid: str, session: dict[str, Any], namespace: str | None = None
    ) -> None:
        self.sessions[sid] = dict(session)

    async def get_session(self, sid: str, namespace: str | None = None) -> dict[str, Any]:
        return dict(self.sessions.get(sid, {}))

    def get_environ(self, sid: str, namespace: str | None = None) -> dict[str, Any] | None:
        ip, forwarded = self.peers.get(sid, ("127.0.0.1", ""))
        headers = {"x-forwarded-for": forwarded} if forwarded else {}
        return {"sanic.request": SimpleNamespace(ip=ip, headers=headers)}

    def events(self, name: str) -> list[Emitted]:
        return [e for e in self.emitted if e.event == name]


@pytest.fixture
def sio() -> RecordingSocketServer:
    return RecordingSocketServer()


@pytest.fixture
def web_channel(tmp_path: Path) -> WebChatInput:
    settings = Settings(
        var_dir=tmp_path,
        web_max_message_chars=50,
        web_rate_limit_per_minute=6,
        web_rate_limit_burst=3,
        web_rate_limit_per_address_per_minute=12,
        web_rate_limit_per_address_burst=6,
    )
    sessions = session_factory(create_database(settings.database_url_or_default))
    return WebChatInput(
        settings=settings,
        deliveries=DeliveryLog(sessions=sessions),
        addresses=AddressBook(sessions=sessions),
    )


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class FakeRasa:
    """Answers every message with ``answer to <text>``; fails on ``boom``."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []
        self.trackers: dict[str, list[dict[str, Any]]] = {}

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text == "boom":
            raise RuntimeError("model exploded for jane@example.com")
        await message.output_channel.send_text_with_buttons(
            message.sender_id, f"answer to {message.text}", [{"title": "More", "payload": "/more"}]
        )

    async def load_events(self, sender_id: str) -> list[dict[str, Any]] | None:
        return self.trackers.get(sender_id)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def chat(web_channel: WebChatInput, sio: RecordingSocketServer, rasa: FakeRasa) -> WebConversations:
    clock = iter(range(0, 10_000, 1))
    return WebConversations(
        channel=web_channel,
        sio=sio,
        gate=web_channel.gate,
        registry=web_channel.registry,
        load_events=rasa.load_events,
        on_new_message=rasa.on_new_message,
        languages=["en", "es", "de"],
        default_language="en",
        clock=lambda: float(next(clock)) / 1000,  # every message within the same second
    )


def request_session(chat: WebConversations, sid: str, data: Any) -> dict[str, Any]:
    return dict(run(chat.session_request(sid, data)))


def start(chat: WebConversations, sid: str = "tab-1", session_id: str | None = None) -> str:
    reply = request_session(chat, sid, {"session_id": session_id})
    return str(reply["session_id"])


def say(chat: WebConversations, text: str, *, sid: str = "tab-1", **extra: Any) -> dict[str, Any]:
    payload = {"id": extra.pop("id", str(uuid.uuid4())), "text": text, **extra}
    return dict(run(chat.user_uttered(sid, payload)))


def test_a_new_browser_gets_a_fresh_session_and_joins_its_room(
    chat: WebConversations, sio: RecordingSocketServer
) -> None:
    invented = new_session_id()  # well formed, but nobody issued it
    reply = request_session(chat, "tab-1", {"session_id": invented})
    assert reply["session_id"] != invented
    assert reply == {
        "session_id": reply["session_id"],
        "resumed": False,
        "history": [],
        "max_chars": 50,
    }
    assert sio.rooms == {f"web-{reply['session_id']}": {"tab-1"}}


def test_a_reload_resumes_the_session_with_its_history(
    chat: WebConversations, sio: RecordingSocketServer, rasa: FakeRasa
) -> None:
    session_id = start(chat)
    assert start(chat, "tab-2", session_id) == session_id  # issued here, nothing said yet
    rasa.trackers[f"web-{session_id}"] = [
        {"event": "user", "text": "hi", "metadata": {}},
        {"event": "bot", "text": "Hello!", "data": {}},
    ]
    reply = request_session(chat, "tab-3", {"session_id": session_id})
    assert reply["resumed"] is True
    assert [(i["who"], i["text"]) for i in reply["history"]] == [("user", "hi"), ("bot", "Hello!")]
    assert sio.rooms[f"web-{session_id}"] == {"tab-1", "tab-2", "tab-3"}


def test_a_message_reaches_rasa_with_its_hints_and_the_reply_reaches_every_tab(
    chat: WebConversations, sio: RecordingSocketServer, rasa: FakeRasa
) -> None:
    session_id = start(chat)
    receipt = say(
        chat,
        '/faq_choose{"faq_id": "x"}',
        title="Shipping costs",
        metadata={"locale": "es-MX", "timezone": "America/Mexico_City"},
    )
    assert receipt["status"] == "accepted"
    [message] = rasa.received
    room = f"web-{session_id}"
    assert (message.sender_id, message.input_channel) == (room, "web")
    assert message.metadata == {
        "platform": "web",
        "user_id": session_id,
        "locale_hint": "es-MX",
        "timezone": "America/Mexico_City",
        "address": {"room": room},
        "button_title": "Shipping costs",
    }
    assert [(e.event, e.to) for e in sio.emitted] == [
        ("user_echo", room),
        ("typing", room),
        ("bot_uttered", room),
        ("typing", room),
    ]
    echo, typing_on, answer, typing_off = sio.emitted
    assert echo.skip_sid == "tab-1" and echo.data["text"] == "Shipping costs"
    assert (typing_on.data, typing_off.data) == ({"on": True}, {"on": False})
    assert answer.data == {
        "text": 'answer to /faq_choose{"faq_id": "x"}',
        "buttons": [{"title": "More", "payload": "/more", "url": None}],
        "quick_replies": False,
        "image": None,
        "attachment": None,
        "author": None,
    }


def test_typed_text_never_poses_as_an_intent_but_a_click_does(
    chat: WebConversations, rasa: FakeRasa
) -> None:
    start(chat)
    say(chat, "/request_human")
    say(chat, "/request_human", title="Talk to a person")
    assert [m.text for m in rasa.received] == ["request_human", "/request_human"]


def test_a_resent_message_is_answered_once(
    chat: WebConversations, sio: RecordingSocketServer, rasa: FakeRasa
) -> None:
    start(chat)
    assert say(chat, "hello", id=MESSAGE_ID)["status"] == "accepted"
    assert say(chat, "hello", id=MESSAGE_ID)["status"] == "duplicate"
    assert len(rasa.received) == 1
    assert len(sio.events("bot_uttered")) == 1


def test_too_long_and_too_fast_are_refused_in_the_customers_language(
    chat: WebConversations, sio: RecordingSocketServer, rasa: FakeRasa
) -> None:
    start(chat)
    german = {"locale": "de-DE"}
    assert say(chat, "x" * 51, metadata=german)["status"] == "refused"
    [too_long] = sio.events("error")
    assert too_long.to == "tab-1"
    assert too_long.data["code"] == "too_long" and "50 Zeichen" in too_long.data["text"]

    statuses = [say(chat, f"message {n}", metadata=german)["status"] for n in range(4)]
    assert statuses == ["accepted", "accepted", "accepted", "refused"]
    rate_limited = sio.events("error")[-1]
    assert rate_limited.data["code"] == "rate_limited" and "Sekunden" in rate_limited.data["text"]
    assert [m.text for m in rasa.received] == ["message 0", "message 1", "message 2"]


def test_malformed_messages_and_messages_before_a_session_never_reach_rasa(
    chat: WebConversations, rasa: FakeRasa
) -> None:
    assert say(chat, "hello")["status"] == "refused"  # no session_request yet
    start(chat)
    assert dict(run(chat.user_uttered("tab-1", {"id": "bad id", "text": "hi"})))["status"] == (
        "refused"
    )
    assert dict(run(chat.user_uttered("tab-1", "just a string")))["status"] == "refused"
    assert rasa.received == []


def test_a_failing_turn_is_logged_redacted_answered_and_the_channel_goes_on(
    chat: WebConversations,
    sio: RecordingSocketServer,
    rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    start(chat)
    assert say(chat, "boom")["status"] == "failed"
    [apology] = sio.events("error")
    assert apology.data["code"] == "internal_error" and "went wrong" in apology.data["text"]
    assert sio.events("typing")[-1].data == {"on": False}
    assert "jane@example.com" not in caplog.text and "<email>" in caplog.text

    assert say(chat, "still there?")["status"] == "accepted"
    assert sio.events("bot_uttered")[-1].data["text"] == "answer to still there?"


def test_when_the_tracker_store_fails_the_session_is_not_replaced(
    chat: WebConversations, rasa: FakeRasa
) -> None:
    async def broken(sender_id: str) -> list[dict[str, Any]] | None:
        raise ConnectionError("database is down")

    chat.load_events = broken
    reply = request_session(chat, "tab-1", {"session_id": new_session_id(), "locale": "es"})
    assert reply["code"] == "internal_error" and "Lo siento" in reply["text"]


def test_new_sessions_on_one_socket_share_its_allowance(
    chat: WebConversations, rasa: FakeRasa
) -> None:
    statuses = []
    for _ in range(5):  # a script that opens a fresh session for every few messages
        start(chat, sid="tab-1")
        statuses += [say(chat, "spam", sid="tab-1")["status"] for _ in range(5)]
    assert statuses.count("accepted") == 3 and len(rasa.received) == 3


def test_sockets_from_one_address_share_its_allowance_behind_our_balancer_too(
    chat: WebConversations, sio: RecordingSocketServer, rasa: FakeRasa
) -> None:
    for n in range(4):  # four sockets, one customer address (via the local balancer)
        sio.peers[f"tab-{n}"] = ("127.0.0.1", "198.51.100.1, 203.0.113.9")
    sio.peers["other"] = ("203.0.113.50", "203.0.113.9")  # a forged header is not believed
    accepted = 0
    for n in range(4):
        start(chat, sid=f"tab-{n}")
        accepted += sum(say(chat, "hi", sid=f"tab-{n}")["status"] == "accepted" for _ in range(3))
    assert accepted == 6  # the address's burst, though each socket had 3 to spend
    start(chat, sid="other")
    assert say(chat, "hi", sid="other")["status"] == "accepted"
