"""Telegram as a Rasa input channel, built on python-telegram-bot.

Webhook mode serves ``POST /webhooks/telegram/webhook``: the secret header is
checked in constant time (403 otherwise), the update is parsed with
python-telegram-bot, redeliveries of an ``update_id`` are dropped, and the bot
turn runs with a typing indicator. Polling mode reads ``getUpdates`` instead,
for a machine without a public URL. Either way every update is isolated: a
failure is logged with personal data redacted and the customer gets an apology.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.channels.base import ChannelBase, ChannelOff, OnNewMessage, Outgoing, Turn, run_isolated
from bot.channels.pressure import TurnSlots
from bot.channels.telegram.connection import poll, register_webhook
from bot.channels.telegram.output import StoredChatOutput, TelegramOutput
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.updates import Inbound, read_update
from bot.channels.texts import language_of, system_text
from bot.channels.wiring import button_messages, channel_stores, payload_store, turn_slots
from bot.settings import Settings, get_settings, require
from bot.store.addresses import AddressBook
from bot.store.deliveries import DeliveryLog
from bot.store.open_buttons import ButtonMessages
from bot.store.payloads import PayloadStore

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramInput(ChannelBase, InputChannel):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = get_settings()
        if settings.telegram_token is None:
            return ChannelOff.named(
                "telegram", variable="FRONTLINE_TELEGRAM_TOKEN", webhooks=("/webhook",)
            )
        token = require(settings.telegram_token, "FRONTLINE_TELEGRAM_TOKEN", "Telegram")
        secret = ""
        if settings.telegram_mode == "webhook":
            secret = require(
                settings.telegram_webhook_secret,
                "FRONTLINE_TELEGRAM_WEBHOOK_SECRET",
                "Telegram's webhook mode",
            )
        deliveries, addresses = channel_stores(settings)
        bot = Bot(
            token,
            base_url=settings.telegram_api_url,
            request=HTTPXRequest(connection_pool_size=32, read_timeout=15, write_timeout=15),
            get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=40),
        )
        return cls(
            bot=bot,
            settings=settings,
            secret=secret,
            deliveries=deliveries,
            addresses=addresses,
            payloads=payload_store(settings),
            buttons=button_messages(settings),
            slots=turn_slots(settings),
        )

    def __init__(
        self,
        *,
        bot: Bot,
        settings: Settings,
        secret: str,
        deliveries: DeliveryLog,
        addresses: AddressBook,
        payloads: PayloadStore,
        buttons: ButtonMessages | None = None,
        slots: TurnSlots | None = None,
    ) -> None:
        super().__init__(deliveries=deliveries, addresses=addresses, slots=slots)
        self._buttons = buttons
        self.bot = bot
        self.sender = TelegramSender(bot=bot)
        self._settings = settings
        self._secret = secret
        self._payloads = payloads
        self._background: asyncio.Task[Any] | None = None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hooks = Blueprint("telegram_webhook", __name__)
        self.join_handoff(hooks)

        @hooks.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "mode": self._settings.telegram_mode})

        @hooks.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self._settings.telegram_mode != "webhook":
                return response.text("Telegram is in polling mode", status=404)
            offered = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(offered.encode(), self._secret.encode()):
                return response.text("forbidden", status=403)
            try:
                update = Update.de_json(request.json, self.bot)
            except Exception:  # malformed JSON or not an update at all
                return response.text("not a Telegram update", status=400)
            await self.handle_update(update, on_new_message)
            return response.text("ok")

        @hooks.listener("after_server_start")
        async def start(_app: Any, _loop: Any) -> None:
            if self._settings.telegram_mode == "polling":
                handle = self._handler(on_new_message)
                self._background = asyncio.create_task(poll(self.bot, handle))
            elif self._settings.telegram_webhook_url:
                self._background = asyncio.create_task(
                    register_webhook(
                        self.bot, url=self._settings.telegram_webhook_url, secret=self._secret
                    )
                )
            else:
                log.warning(
                    "telegram: FRONTLINE_TELEGRAM_WEBHOOK_URL is not set, so the webhook "
                    "is not registered; Telegram must already know it"
                )

        @hooks.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self._background is not None:
                self._background.cancel()
            await self.bot.shutdown()

        return hooks

    def _handler(self, on_new_message: OnNewMessage) -> Any:
        async def handle(update: Update) -> None:
            await self.handle_update(update, on_new_message)

        return handle

    async def handle_update(self, update: Update, on_new_message: OnNewMessage) -> None:
        """One update, isolated: whatever goes wrong, the channel keeps serving."""
        inbound: Inbound | None = None

        async def work() -> None:
            nonlocal inbound
            await self.bot.initialize()  # once: learns the bot's own username (getMe)
            inbound = read_update(update, bot_username=self.bot.username)
            if inbound is not None:
                await self._answer(inbound, update.update_id, on_new_message)

        async def apologise() -> None:
            if inbound is None:
                return
            language = language_of(
                inbound.profile.locale_hint,
                supported=self._settings.languages,
                default=self._settings.default_language,
            )
            text = system_text("internal_error", language, channel="telegram")
            await self._output(inbound).send(inbound.sender_id, Outgoing(text=text))

        await run_isolated("telegram", f"update {update.update_id}", work(), apology=apologise)

    async def _answer(self, inbound: Inbound, update_id: int, on_new_message: OnNewMessage) -> None:
        text = inbound.text
        extra = dict(inbound.extra)
        if inbound.kind == "click":
            await self._settle_click(inbound)
            resolved = self._payloads.resolve(inbound.text)
            if resolved is None:
                log.info("telegram: click on an expired button")
                return
            text = resolved
        turn = Turn(
            sender_id=inbound.sender_id,
            text=text,
            profile=inbound.profile,
            address={"chat_id": inbound.chat_id, "chat_type": inbound.chat_type},
            delivery_key=str(update_id),
            extra=extra,
        )
        quiet = self.handed_off(inbound.sender_id)  # a person has it: the bot is not typing
        typing = contextlib.nullcontext() if quiet else self.sender.typing(inbound.chat_id)
        async with typing:
            await self.deliver_turn(
                turn,
                output=self._output(inbound),
                on_new_message=on_new_message,
                handed_off=quiet,
            )

    async def _settle_click(self, inbound: Inbound) -> None:
        """Stop the button's spinner and take the keyboard away, so it is used once."""
        assert inbound.callback_query_id is not None
        await run_isolated(
            "telegram",
            "answerCallbackQuery",
            self.bot.answer_callback_query(inbound.callback_query_id),
        )
        if inbound.clicked_message_id is not None:
            await run_isolated(
                "telegram",
                "editMessageReplyMarkup",
                self.bot.edit_message_reply_markup(
                    chat_id=inbound.chat_id,
                    message_id=inbound.clicked_message_id,
                    reply_markup=None,
                ),
            )

    def get_output_channel(self) -> OutputChannel:
        """Replies that answer no message (an agent's): to the conversation's stored chat."""
        return StoredChatOutput(sender=self.sender, addresses=self.addresses, shorten=self._shorten)

    def _shorten(self, payload: str) -> str:
        return self._payloads.shorten(payload, limit_bytes=64)

    def _output(self, inbound: Inbound) -> TelegramOutput:
        return TelegramOutput(
            sender=self.sender,
            chat_id=inbound.chat_id,
            chat_type=inbound.chat_type,
            shorten=self._shorten,
            buttons=self._buttons,
        )
