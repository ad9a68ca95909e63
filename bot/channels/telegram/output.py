"""Rasa output channel for one Telegram chat."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import FrontlineOutput, Outgoing
from bot.channels.telegram.render import render
from bot.channels.telegram.sender import TelegramSender


class TelegramOutput(FrontlineOutput):
    def __init__(
        self,
        *,
        sender: TelegramSender,
        chat_id: int,
        chat_type: str,
        shorten: Callable[[str], str],
    ) -> None:
        self._sender = sender
        self._chat_id = chat_id
        self._chat_type = chat_type
        self._shorten = shorten

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send(self, recipient_id: str, message: Outgoing) -> None:
        for part in render(message, shorten=self._shorten):
            await self._sender.deliver(self._chat_id, self._chat_type, part)
