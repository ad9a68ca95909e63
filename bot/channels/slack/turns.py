"""The bolt listeners: a customer's message or click becomes one isolated Rasa turn.

Bolt acknowledges first (events automatically, clicks by calling ``ack``) and runs
these listeners afterwards, so Slack has its answer long before Rasa has one.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import UserMessage
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import ChannelBase, OnNewMessage, Outgoing, run_isolated
from bot.channels.slack.blocks import chosen
from bot.channels.slack.clicks import Click, read_click
from bot.channels.slack.events import BotIdentity, Inbound, read_event
from bot.channels.slack.output import Destination, SlackOutput
from bot.channels.slack.profiles import SlackProfiles
from bot.channels.texts import language_of, system_text
from bot.store.open_buttons import ButtonMessages

log = logging.getLogger(__name__)


class SlackTurns:
    """Listeners for events and clicks, bound to one Rasa ``on_new_message``.

    Args:
        channel: Dedupe, address book and delivery to Rasa.
        client: The Web API client replies are posted with.
        profiles: Looks up who wrote.
        on_new_message: Rasa's entry point for a customer message.
        languages: Supported languages, for the channel's own texts.
        default_language: The language when the customer's locale is not supported.
        buttons: Where messages with buttons are remembered, to close at a handoff.
    """

    def __init__(
        self,
        *,
        channel: ChannelBase,
        client: AsyncWebClient,
        profiles: SlackProfiles,
        on_new_message: OnNewMessage,
        languages: tuple[str, ...],
        default_language: str,
        buttons: ButtonMessages | None = None,
    ) -> None:
        self._channel = channel
        self._buttons = buttons
        self._client = client
        self._profiles = profiles
        self._on_new_message = on_new_message
        self._languages = list(languages)
        self._default_language = default_language

    async def on_event(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """A ``message`` or ``app_mention`` event, already acknowledged."""
        inbound = read_event(body, bot=_bot_identity(context))
        if inbound is None:
            event = body.get("event") or {}
            log.debug("slack: ignored %s/%s", event.get("type"), event.get("subtype"))
            return
        await self._run(inbound, f"event {body.get('event_id')}", self._on_new_message)

    async def on_other_event(self, body: dict[str, Any]) -> None:
        """Any other event: acknowledged (so Slack does not retry it) and left alone."""
        log.debug("slack: no use for event %s", (body.get("event") or {}).get("type"))

    async def on_click(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A ``block_actions`` click: acknowledge, then answer the chosen button."""
        await ack()
        click = read_click(body)
        if click is None:
            return

        async def first_click(message: UserMessage) -> None:
            await self._take_buttons_away(click)
            await self._on_new_message(message)

        await self._run(click.inbound, f"click on {click.message_ts}", first_click)

    async def _run(self, inbound: Inbound, what: str, on_new_message: OnNewMessage) -> None:
        language = self._default_language

        async def work() -> None:
            nonlocal language
            profile = await self._profiles.profile(inbound.user_id)
            language = language_of(
                profile.locale_hint, supported=self._languages, default=self._default_language
            )
            await self._channel.deliver_turn(
                inbound.turn(profile),
                output=self._output(inbound, language),
                on_new_message=on_new_message,
            )

        async def apologise() -> None:
            text = system_text("internal_error", language, channel="slack")
            await self._output(inbound, language).send(inbound.sender_id, Outgoing(text=text))

        await run_isolated("slack", what, work(), apology=apologise)

    async def _take_buttons_away(self, click: Click) -> None:
        """Show the choice instead of the buttons, so they are used once."""
        if click.message_blocks is None:
            return
        blocks = chosen(click.message_blocks, title=click.title, user_id=click.inbound.user_id)
        await run_isolated(
            "slack",
            "chat.update",
            self._client.chat_update(
                channel=click.inbound.address.channel_id,
                ts=click.message_ts,
                text=click.message_text or click.title,
                blocks=blocks,
            ),
        )

    def _output(self, inbound: Inbound, language: str) -> SlackOutput:
        return SlackOutput(
            client=self._client,
            destination=Destination(address=inbound.address, language=language),
            buttons=self._buttons,
        )


def _bot_identity(context: AsyncBoltContext) -> BotIdentity:
    result = context.authorize_result
    if result is None:
        return BotIdentity()
    return BotIdentity(user_id=result.bot_user_id, bot_id=result.bot_id)
