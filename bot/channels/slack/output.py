"""Bot replies to Slack: ``chat.postMessage`` in the customer's DM, channel or thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import FrontlineOutput, Outgoing, run_isolated
from bot.channels.slack.address import SlackAddress
from bot.channels.slack.blocks import render
from bot.store.open_buttons import ButtonMessages


@dataclass(frozen=True)
class Destination:
    """Where a reply goes, and the language of the channel's own words in it."""

    address: SlackAddress
    language: str


class SlackOutput(FrontlineOutput):
    """Posts each :class:`Outgoing` as mrkdwn text and Block Kit buttons.

    Args:
        client: The Web API client (its ``base_url`` points at Slack or a fake).
        destination: Where replies go; or a function of the recipient (Rasa's
            sender id) for replies that do not answer a message, such as an agent's.
    """

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        destination: Destination | Callable[[str], Destination],
        buttons: ButtonMessages | None = None,
    ) -> None:
        super().__init__()
        self._client = client
        self._destination = destination
        self._buttons = buttons

    @classmethod
    def name(cls) -> str:
        return "slack"

    async def send(self, recipient_id: str, message: Outgoing) -> None:
        destination = (
            self._destination(recipient_id) if callable(self._destination) else self._destination
        )
        address = destination.address
        for part in render(message, language=destination.language):
            posted = await self._client.chat_postMessage(
                channel=address.channel_id,
                thread_ts=address.thread_ts,
                text=part.text,
                blocks=list(part.blocks) if part.blocks else None,
                unfurl_links=False,
                unfurl_media=False,
            )
            actions = any(block.get("type") == "actions" for block in part.blocks)
            if actions and self._buttons is not None and posted.get("ts"):
                ref = {
                    "channel": posted.get("channel") or address.channel_id,
                    "ts": posted["ts"],
                    "text": part.text,
                    "blocks": list(part.blocks),
                }
                self._buttons.remember(recipient_id, channel="slack", ref=ref)

    async def disable_buttons(self, recipient_id: str) -> None:
        """Redraw the messages that still have buttons without them."""
        if self._buttons is None:
            return
        for ref in self._buttons.take(recipient_id, channel="slack"):
            blocks = [block for block in ref["blocks"] if block.get("type") != "actions"]
            await run_isolated(
                "slack",
                "chat.update",
                self._client.chat_update(
                    channel=ref["channel"], ts=ref["ts"], text=ref["text"], blocks=blocks
                ),
            )
