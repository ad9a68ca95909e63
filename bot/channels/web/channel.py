"""The web chat widget as a Rasa input channel, served by the Rasa server itself.

Rasa mounts the blueprint at ``/chat`` (``url_prefix``):

- ``/chat``: the full chat page (``?embed=1``: the compact one the snippet frames);
- ``/chat/widget.js``: the snippet any site includes to get a chat launcher;
- ``/chat/static/*``: the page's script, style and the vendored socket.io client;
- ``/chat/socket.io/``: the socket.io endpoint (events in :mod:`bot.channels.web.wire`);
- ``/chat/health``: ``{"status": "ok"}``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.socketio import SocketBlueprint
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncManager, AsyncRedisManager, AsyncServer

from bot.channels.base import ChannelBase, OnNewMessage
from bot.channels.pressure import TurnSlots
from bot.channels.web.assets import (
    EMBED_SCRIPT,
    PAGE,
    PUBLIC,
    file_headers,
    load_assets,
    page_headers,
)
from bot.channels.web.conversation import WebConversations
from bot.channels.web.limits import MessageGate
from bot.channels.web.origins import OriginPolicy
from bot.channels.web.output import WebOutput
from bot.channels.web.sessions import SessionRegistry
from bot.channels.wiring import channel_stores, database_sessions, turn_slots
from bot.crisis.banner import banner_source
from bot.settings import Settings, get_settings
from bot.store.addresses import AddressBook
from bot.store.deliveries import DeliveryLog
from bot.store.incidents import Incidents

log = logging.getLogger(__name__)

URL_PREFIX = "/chat"
SOCKETIO_PATH = URL_PREFIX + "/socket.io"


class WebChatInput(ChannelBase, InputChannel):
    """Rasa input channel ``web``: the chat page, the embed snippet and their socket."""

    @classmethod
    def name(cls) -> str:
        return "web"

    def __init__(
        self,
        *,
        settings: Settings,
        deliveries: DeliveryLog,
        addresses: AddressBook,
        policy: OriginPolicy | None = None,
        gate: MessageGate | None = None,
        registry: SessionRegistry | None = None,
        slots: TurnSlots | None = None,
        banner: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__(deliveries=deliveries, addresses=addresses, slots=slots)
        self.settings = settings
        self.banner = banner
        self.policy = policy or OriginPolicy.from_settings(settings)
        self.gate = gate or MessageGate.from_settings(settings)
        self.registry = registry or SessionRegistry()
        self.sio: AsyncServer | None = None
        self._app: Sanic | None = None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Everything comes from ``FRONTLINE_WEB_*`` settings; credentials.yml holds no keys."""
        settings = get_settings()
        deliveries, addresses = channel_stores(settings)
        incidents = Incidents(
            sessions=database_sessions(settings),
            languages=settings.languages,
            default_language=settings.default_language,
        )
        return cls(
            settings=settings,
            deliveries=deliveries,
            addresses=addresses,
            slots=turn_slots(settings),
            banner=banner_source(incidents),
        )

    def url_prefix(self) -> str:
        return URL_PREFIX

    def get_output_channel(self) -> OutputChannel | None:
        """For replies that start outside a turn (an agent's message): to the session's room."""
        return WebOutput(sio=self.sio) if self.sio is not None else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if not self.settings.web_enabled:
            log.info("web: the chat widget is off (FRONTLINE_WEB_ENABLED=false)")
            return Blueprint("web_chat_off")
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins="*" if self.policy.any else self.policy.allows_environ,
            client_manager=_client_manager(self.settings),
        )
        self.sio = sio
        conversations = WebConversations(
            channel=self,
            sio=sio,
            gate=self.gate,
            registry=self.registry,
            load_events=self._load_events,
            on_new_message=on_new_message,
            languages=self.settings.languages,
            default_language=self.settings.default_language,
        )
        sio.on("session_request", conversations.session_request)
        sio.on("user_uttered", conversations.user_uttered)
        blueprint = SocketBlueprint(sio, SOCKETIO_PATH, "web_chat", __name__)
        self._add_routes(blueprint)
        self.join_handoff(blueprint)
        return blueprint

    def _add_routes(self, blueprint: Blueprint) -> None:
        assets = load_assets()

        @blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        @blueprint.route("", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            asset = assets[PAGE]
            headers = page_headers(self.policy, request.headers.get("host"))
            return response.raw(asset.body, content_type=asset.content_type, headers=headers)

        @blueprint.route("/widget.js", methods=["GET"])
        async def embed_script(_: Request) -> HTTPResponse:
            asset = assets[EMBED_SCRIPT]
            headers = file_headers(cross_origin=True)
            return response.raw(asset.body, content_type=asset.content_type, headers=headers)

        @blueprint.route("/static/<name:str>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            if name not in PUBLIC:
                return response.json({"error": "not found"}, status=404)
            asset = assets[name]
            return response.raw(asset.body, content_type=asset.content_type, headers=file_headers())

        @blueprint.route("/banner", methods=["GET"])
        async def banner(request: Request) -> HTTPResponse:
            # A live incident's statement for the widget's banner (crisis mode).
            language = str(request.args.get("lang") or self.settings.default_language)[:8]
            text = None
            if self.banner is not None:
                text = await asyncio.to_thread(self.banner, language)
            return response.json({"banner": text}, headers={"Cache-Control": "no-store"})

        @blueprint.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

    async def _load_events(self, sender_id: str) -> list[dict[str, Any]] | None:
        agent = self._app.ctx.agent if self._app is not None else None
        if agent is None or agent.tracker_store is None:
            raise RuntimeError("the Rasa agent is not loaded yet")
        tracker = await agent.tracker_store.retrieve_full_tracker(sender_id)
        return None if tracker is None else [event.as_dict() for event in tracker.events]


def _client_manager(settings: Settings) -> AsyncManager | None:
    """Several replicas: emits go through Redis, so an agent's reply sent from any
    replica reaches the customer's tab wherever its socket is (socket.io's own
    ``AsyncRedisManager``). One process needs none."""
    if not settings.redis_url:
        return None
    channel = f"{settings.redis_key_prefix}:socketio"
    return AsyncRedisManager(settings.redis_url, channel=channel)
