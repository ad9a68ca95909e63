"""The widget's socket.io events: start or resume a session, and pass messages to Rasa.

Each handler's return value is the socket.io acknowledgement the browser waits for.
A message is checked (shape, size, rate) before it reaches Rasa; a refusal goes back
to the tab that sent it as an ``error`` event with a code and a localized text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from rasa.core.channels.channel import UserMessage

from bot.channels.base import ChannelBase, OnNewMessage, Profile, Turn, run_isolated, typed
from bot.channels.peer import client_address
from bot.channels.redact import redact
from bot.channels.texts import language_of, system_text
from bot.channels.web.history import conversation_history
from bot.channels.web.limits import MessageGate
from bot.channels.web.output import Emitter, WebOutput
from bot.channels.web.sessions import SessionRegistry, conversation_id, is_session_id
from bot.channels.web.wire import (
    BadMessage,
    ErrorEvent,
    HistoryItem,
    Receipt,
    SessionConfirm,
    WidgetMessage,
    parse_user_uttered,
)
from bot.turn.metadata import BUTTON_TITLE

log = logging.getLogger(__name__)

LoadEvents = Callable[[str], Awaitable["list[dict[str, Any]] | None"]]
"""Rasa's events of a conversation (all its sessions), or None when it does not exist."""


class SocketServer(Emitter, Protocol):
    """The part of ``socketio.AsyncServer`` the handlers need."""

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None: ...

    async def save_session(
        self, sid: str, session: dict[str, Any], namespace: str | None = None
    ) -> None: ...

    async def get_session(self, sid: str, namespace: str | None = None) -> dict[str, Any]: ...

    def get_environ(self, sid: str, namespace: str | None = None) -> dict[str, Any] | None: ...


class WebConversations:
    def __init__(
        self,
        *,
        channel: ChannelBase,
        sio: SocketServer,
        gate: MessageGate,
        registry: SessionRegistry,
        load_events: LoadEvents,
        on_new_message: OnNewMessage,
        languages: list[str],
        default_language: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channel = channel
        self.sio = sio
        self.gate = gate
        self.registry = registry
        self.load_events = load_events
        self.on_new_message = on_new_message
        self.languages = languages
        self.default_language = default_language
        self.clock = clock

    def _language(self, locale: str | None) -> str:
        return language_of(locale, supported=self.languages, default=self.default_language)

    async def session_request(self, sid: str, data: Any) -> SessionConfirm | ErrorEvent:
        """Resume the session the browser holds, if it may, or start a new one."""
        requested = data.get("session_id") if isinstance(data, dict) else None
        try:
            session_id, history = await self._resume(requested)
        except Exception as error:
            log.error("web: could not look up a session: %s", redact(repr(error)))
            locale = data.get("locale") if isinstance(data, dict) else None
            text = system_text("internal_error", self._language(locale), channel="web")
            return {"code": "internal_error", "text": text, "id": None}
        resumed = session_id == requested
        await self.sio.enter_room(sid, conversation_id(session_id))
        await self.sio.save_session(sid, {"session_id": session_id})
        return {
            "session_id": session_id,
            "resumed": resumed,
            "history": history,
            "max_chars": self.gate.max_chars,
        }

    async def _resume(self, requested: object) -> tuple[str, list[HistoryItem]]:
        if isinstance(requested, str) and is_session_id(requested):
            events = await self.load_events(conversation_id(requested))
            if events is not None:
                return requested, conversation_history(events)
            if self.registry.issued(requested):
                return requested, []
        return self.registry.issue(), []

    def _address(self, sid: str) -> str:
        """The client's address as Sanic saw it (a local balancer's forwarded hop)."""
        request = (self.sio.get_environ(sid) or {}).get("sanic.request")
        if request is None:
            return ""
        return client_address(request.ip or "", request.headers.get("x-forwarded-for", ""))

    async def user_uttered(self, sid: str, data: Any) -> Receipt:
        session_id = (await self.sio.get_session(sid)).get("session_id")
        try:
            if not isinstance(session_id, str):
                raise BadMessage("message before session_request")
            message = parse_user_uttered(data)
        except BadMessage as error:
            log.warning("web: refused a malformed message: %s", error)
            return {"status": "refused", "id": _id_of(data)}
        language = self._language(message.locale)
        refusal = self.gate.check(
            session_id, message.text, now=self.clock(), socket=sid, address=self._address(sid)
        )
        if refusal is not None:
            text = refusal.text(language)
            await self._refuse(sid, {"code": refusal.code, "text": text, "id": message.message_id})
            return {"status": "refused", "id": message.message_id}

        passed_on: list[bool] = []
        work = self._deliver(sid, session_id, message, passed_on)

        async def apologise() -> None:
            text = system_text("internal_error", language, channel="web")
            await self._refuse(
                sid, {"code": "internal_error", "text": text, "id": message.message_id}
            )

        ok = await run_isolated(
            self.channel.name(), f"message {message.message_id}", work, apology=apologise
        )
        if not ok:
            return {"status": "failed", "id": message.message_id}
        return {"status": "accepted" if passed_on else "duplicate", "id": message.message_id}

    async def _deliver(
        self, sid: str, session_id: str, message: WidgetMessage, passed_on: list[bool]
    ) -> None:
        room = conversation_id(session_id)
        output = WebOutput(sio=self.sio)
        shown = message.title or message.text
        quiet = self.channel.handed_off(room)  # a person has it: the bot is not typing

        async def answer(user_message: UserMessage) -> None:
            passed_on.append(True)
            echo = {"id": message.message_id, "text": shown}
            await self.sio.emit("user_echo", echo, to=room, skip_sid=sid)
            if not quiet:
                await output.typing(room, on=True)
            try:
                await self.on_new_message(user_message)
            finally:
                if not quiet:
                    await output.typing(room, on=False)

        turn = Turn(
            sender_id=room,
            text=message.text if message.title else typed(message.text),  # only clicks send intents
            profile=Profile(
                platform="web",
                user_id=session_id,
                locale_hint=message.locale,
                timezone=message.timezone,
            ),
            address={"room": room},
            delivery_key=f"{session_id}:{message.message_id}",
            extra={BUTTON_TITLE: message.title} if message.title else {},
        )
        await self.channel.deliver_turn(
            turn, output=output, on_new_message=answer, handed_off=quiet
        )

    async def _refuse(self, sid: str, error: ErrorEvent) -> None:
        await self.sio.emit("error", error, to=sid)


def _id_of(data: Any) -> str:
    value = data.get("id") if isinstance(data, dict) else None
    return value[:64] if isinstance(value, str) else ""
