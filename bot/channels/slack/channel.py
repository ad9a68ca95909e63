"""Slack as a Rasa input channel, built on slack-bolt.

Events mode serves ``POST /webhooks/slack/events`` for both the Events API and
interactivity (button clicks); Socket Mode opens a WebSocket to Slack when the
server starts instead. ``GET /webhooks/slack/`` is a health check. See
``docs/slack.md`` for connecting a Slack app, and :mod:`bot.channels.slack.events`
for what the bot answers.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt.adapter.sanic.async_handler import AsyncSlackRequestHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import ChannelBase, ChannelOff, OnNewMessage
from bot.channels.pressure import TurnSlots
from bot.channels.slack.address import SlackAddress
from bot.channels.slack.agent_events import AgentListeners
from bot.channels.slack.agent_relay import SlackAgentRelay
from bot.channels.slack.bolt_app import build_bolt_app
from bot.channels.slack.config import BOT_TOKEN_VARIABLE, SlackConfig, slack_config
from bot.channels.slack.output import Destination, SlackOutput
from bot.channels.slack.profiles import SlackProfiles
from bot.channels.slack.socket_mode import SocketModeConnection
from bot.channels.slack.turns import SlackTurns
from bot.channels.texts import language_of
from bot.channels.wiring import (
    button_messages,
    channel_stores,
    database_sessions,
    turn_slots,
)
from bot.handoff.ports import AgentDesk
from bot.settings import Settings, get_settings
from bot.store.addresses import AddressBook
from bot.store.deliveries import DeliveryLog
from bot.store.open_buttons import ButtonMessages
from bot.store.tickets import Tickets

log = logging.getLogger(__name__)


class SlackInput(ChannelBase, InputChannel):
    """The Slack channel; on when ``FRONTLINE_SLACK_BOT_TOKEN`` is set."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built from the settings (environment); ``credentials.yml`` only lists the channel."""
        return cls.from_settings(get_settings())

    @classmethod
    def from_settings(cls, settings: Settings) -> InputChannel:
        """The channel, or a stand-in that answers 503 when the bot token is not set.

        Raises:
            MissingCredentialError: The token is set but the mode's secret is not.
        """
        config = slack_config(settings)
        if config is None:
            return ChannelOff.named("slack", variable=BOT_TOKEN_VARIABLE, webhooks=("/events",))
        log.info("slack: on (%s)", "Socket Mode" if config.socket_mode else "Events API over HTTP")
        client = AsyncWebClient(token=config.bot_token, base_url=config.api_url, timeout=15)
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        deliveries, addresses = channel_stores(settings)
        tickets = None
        if config.agent_channel:
            log.info("slack: ticket cards go to channel %s", config.agent_channel)
            tickets = Tickets(sessions=database_sessions(settings))
        return cls(
            config=config,
            client=client,
            deliveries=deliveries,
            addresses=addresses,
            profiles=SlackProfiles(client=client),
            tickets=tickets,
            buttons=button_messages(settings),
            slots=turn_slots(settings),
        )

    def __init__(
        self,
        *,
        config: SlackConfig,
        client: AsyncWebClient,
        deliveries: DeliveryLog,
        addresses: AddressBook,
        profiles: SlackProfiles,
        tickets: Tickets | None = None,
        buttons: ButtonMessages | None = None,
        slots: TurnSlots | None = None,
    ) -> None:
        super().__init__(deliveries=deliveries, addresses=addresses, slots=slots)
        self.buttons = buttons
        self.config = config
        self.client = client
        self.profiles = profiles
        self.tickets = tickets
        self._app: Sanic | None = None

    def agent_relay(self) -> SlackAgentRelay | None:
        """Ticket cards in the agent channel; None when there is no agent channel."""
        if not self.config.agent_channel or self.tickets is None:
            return None
        return SlackAgentRelay(
            client=self.client, channel_id=self.config.agent_channel, tickets=self.tickets
        )

    def agent_listeners(self) -> AgentListeners | None:
        """Replies and clicks in the agent channel; None when there is no agent channel."""
        if not self.config.agent_channel or self.tickets is None:
            return None
        return AgentListeners(
            tickets=self.tickets,
            profiles=self.profiles,
            client=self.client,
            desk=self._desk,
            agent_channel=self.config.agent_channel,
        )

    def _desk(self) -> AgentDesk:
        # Imported on use, as ChannelBase.join_handoff does: the hub wires channels together.
        from bot.handoff.hub import desk_of

        if self._app is None:
            raise RuntimeError("the server has not started yet")
        return desk_of(self._app)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        turns = SlackTurns(
            channel=self,
            client=self.client,
            profiles=self.profiles,
            on_new_message=on_new_message,
            languages=self.config.languages,
            default_language=self.config.default_language,
            buttons=self.buttons,
        )
        app = build_bolt_app(
            client=self.client,
            signing_secret=self.config.signing_secret,
            deliveries=self.deliveries,
            turns=turns,
            channel=self.name(),
            agents=self.agent_listeners(),
        )
        mode = "socket" if self.config.socket_mode else "events"
        hooks = Blueprint("frontline_slack")
        self.join_handoff(hooks)
        relay = self.agent_relay()
        if relay is not None:
            from bot.handoff.hub import hub

            hub().add_relay(relay)

        @hooks.listener("before_server_start")
        async def remember_app(server: Sanic, _loop: Any) -> None:
            self._app = server

        @hooks.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "mode": mode})

        if self.config.socket_mode:
            assert self.config.app_token is not None
            connection = SocketModeConnection(
                app=app, app_token=self.config.app_token, client=self.client
            )

            @hooks.route("/events", methods=["POST"])
            async def no_events(_: Request) -> HTTPResponse:
                return response.text("Slack is in Socket Mode; events arrive over it.", 404)

            @hooks.listener("after_server_start")
            async def connect(_app: Any, _loop: Any) -> None:
                await connection.open()

            @hooks.listener("before_server_stop")
            async def disconnect(_app: Any, _loop: Any) -> None:
                await connection.close()

        else:
            handler = AsyncSlackRequestHandler(app)

            @hooks.route("/events", methods=["POST"])
            async def events(request: Request) -> HTTPResponse:
                return await handler.handle(request)

        return hooks

    def get_output_channel(self) -> OutputChannel:
        """Replies that answer no message (an agent's, a notice): sent to the stored address."""
        return SlackOutput(
            client=self.client,
            destination=self._stored_destination,
        )

    def _stored_destination(self, sender_id: str) -> Destination:
        found = self.addresses.lookup(sender_id)
        if found is None or found.channel != self.name():
            raise LookupError(f"no Slack address for conversation {sender_id}")
        language = language_of(
            found.profile.get("locale_hint"),
            supported=list(self.config.languages),
            default=self.config.default_language,
        )
        return Destination(address=SlackAddress.from_dict(found.address), language=language)
