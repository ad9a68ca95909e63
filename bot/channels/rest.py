"""REST: ``POST /webhooks/rest/webhook`` for servers, scripts and ``make chat``.

Replaces Rasa's ``rest`` channel (same URL and reply shape) with the edges every other
channel has:

- Who may call: loopback clients only, unless ``FRONTLINE_REST_TOKEN`` is set; then
  everyone, loopback included, sends ``Authorization: Bearer <token>``.
- What is refused before any work, with the HTTP status that says why: a body that is
  not a JSON object, a missing or empty ``sender`` or ``message`` (400), a message over
  ``FRONTLINE_MAX_MESSAGE_CHARS`` (413), a conversation over its rate (429).
- Typed text never poses as a button: ``message`` passes :func:`typed`, unless the
  request says it is a click (``title``: the button's title); a whole message that is a
  command (``/human``, ``/help``, ``/language``, ``/start``) stands for its intent.
- A turn, once started, is finished and stored even if the client gives up waiting.

Body: ``{"sender": "...", "message": "...", "title"?: "...", "locale"?: "de-AT",
"timezone"?: "Europe/Vienna", "message_id"?: "..."}``; ``message_id`` makes a resend
after a lost reply safe (it is answered once).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.base import ChannelBase, OnNewMessage, Profile, Turn, TurnNotTaken, typed
from bot.channels.pacing import TokenBuckets
from bot.channels.peer import client_address, is_loopback
from bot.channels.pressure import TurnSlots
from bot.channels.texts import system_text
from bot.channels.wiring import channel_stores, saved_turns, turn_slots
from bot.locale.resolve import supported_language
from bot.settings import Settings, get_settings
from bot.store.addresses import AddressBook
from bot.store.deliveries import DeliveryLog
from bot.store.saved_turns import SavedTurns
from bot.turn.metadata import BUTTON_TITLE

log = logging.getLogger(__name__)

# Commands a REST client may type, as on Telegram, and the intents they stand for.
COMMANDS = {
    "/start": "/greet",
    "/help": "/help",
    "/human": "/request_human",
    "/language": "/choose_language",
}
# Conversation ids the other channels own: a REST client cannot write into them.
RESERVED_PREFIXES = ("web-", "telegram-", "slack-")
MAX_SENDER_CHARS = 128


class RestInput(ChannelBase, InputChannel):
    """The REST channel, hardened (see the module docstring)."""

    replays_saved = True

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = get_settings()
        deliveries, addresses = channel_stores(settings)
        return cls(
            settings=settings,
            deliveries=deliveries,
            addresses=addresses,
            slots=turn_slots(settings),
            saved=saved_turns(settings),
        )

    def __init__(
        self,
        *,
        settings: Settings,
        deliveries: DeliveryLog,
        addresses: AddressBook,
        slots: TurnSlots | None = None,
        saved: SavedTurns | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(deliveries=deliveries, addresses=addresses, slots=slots, saved=saved)
        self.settings = settings
        token = settings.rest_token.get_secret_value() if settings.rest_token else ""
        self._token = token.encode()
        self._buckets = TokenBuckets(
            rate=settings.rest_rate_limit_per_minute / 60, burst=settings.rest_rate_limit_burst
        )
        self._clock = clock
        self._running: set[asyncio.Task[Any]] = set()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hooks = Blueprint("frontline_rest")

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            refused = self.authorise(request)
            if refused is not None:
                return refused
            body = _json_object(request)
            if body is None:
                return _error(400, "the body must be a JSON object")
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender.strip():
                return _error(400, "sender: a non-empty string is required")
            if len(sender) > MAX_SENDER_CHARS or sender.startswith(RESERVED_PREFIXES):
                return _error(400, "sender: too long, or a conversation of another channel")
            if not isinstance(text, str) or not text.strip():
                return _error(400, "message: a non-empty string is required")
            if len(text) > self.settings.max_message_chars:
                return _error(413, f"message: {self.settings.max_message_chars} characters at most")
            if not self._buckets.try_take(sender, self._clock()):
                return _error(429, "too many messages in this conversation", retry_after=5)
            turn = self.turn(sender, text, body)
            if self.slots is not None and self.slots.in_flight >= self.slots.limit:
                self.slots.refused += 1
                busy = system_text("busy", self._language(turn), channel=self.name())
                return response.json(
                    [{"recipient_id": sender, "text": busy}],
                    status=503,
                    headers={"Retry-After": "30"},
                )
            collector = CollectingOutputChannel()
            work = asyncio.create_task(
                self.deliver_turn(turn, output=collector, on_new_message=on_new_message)
            )
            # The turn is shielded: a client that stops waiting must not leave it half-done.
            self._running.add(work)
            work.add_done_callback(self._running.discard)
            try:
                await asyncio.shield(work)
            except TurnNotTaken:
                # Rasa could not save the turn (storage or locks down): the replies it
                # produced belong to no conversation. Nothing was said; send it again.
                log.exception("rest: a turn failed before it was saved")
                return _error(
                    503, "the bot cannot take this message now; send it again", retry_after=2
                )
            except Exception:
                if collector.messages:  # the customer was answered: say what was said
                    log.exception("rest: a turn failed after its reply")
                    return response.json(collector.messages)
                # Storage or locks unavailable: nothing was said, and the message may be
                # sent again (same message_id) once they are back.
                log.exception("rest: a turn failed before any reply")
                return _error(
                    503, "the bot cannot take this message now; send it again", retry_after=2
                )
            return response.json(collector.messages)

        hooks.add_route(health, "/", methods=["GET"], name="health")
        hooks.add_route(receive, "/webhook", methods=["POST"], name="receive")
        return hooks

    def authorise(self, request: Request) -> HTTPResponse | None:
        """None if the caller may use REST; else the response that refuses it."""
        if self._token:
            header = request.headers.get("authorization", "")
            scheme, _, given = header.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), self._token
            ):
                return _error(401, "a valid Authorization: Bearer token is required")
            return None
        if not _loopback(request):
            return _error(403, "REST serves local clients only; set FRONTLINE_REST_TOKEN")
        return None

    def _language(self, turn: Turn) -> str:
        supported = list(self.settings.languages)
        hint = supported_language(turn.profile.locale_hint, supported=supported)
        return hint or self.settings.default_language

    def turn(self, sender: str, text: str, body: dict[str, Any]) -> Turn:
        title = body.get("title")
        click = isinstance(title, str) and bool(title.strip())
        command = COMMANDS.get(text.strip().lower())
        message_id = body.get("message_id")
        return Turn(
            sender_id=sender,
            text=text.strip() if click else command or typed(text),
            profile=Profile(
                platform="rest",
                user_id=sender,
                locale_hint=_short(body.get("locale")),
                timezone=_short(body.get("timezone")),
            ),
            address={},
            delivery_key=(
                f"{sender}:{message_id}" if isinstance(message_id, str) and message_id else None
            ),
            extra={BUTTON_TITLE: str(title).strip()} if click else {},
        )


def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        body = request.json
    except Exception:  # Sanic raises its own InvalidUsage for malformed JSON
        return None
    return body if isinstance(body, dict) else None


def _loopback(request: Request) -> bool:
    """The peer is this machine, and so is the client a local proxy forwards for."""
    peer = request.ip or ""
    return is_loopback(peer) and is_loopback(
        client_address(peer, request.headers.get("x-forwarded-for", ""))
    )


def _short(value: object) -> str | None:
    return value[:64] if isinstance(value, str) and value else None


def _error(status: int, detail: str, *, retry_after: int | None = None) -> HTTPResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return response.json({"error": detail}, status=status, headers=headers)
