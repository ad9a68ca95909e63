"""Rasa output channel for one Telegram chat."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import FrontlineOutput, Outgoing
from bot.channels.telegram.render import render
from bot.channels.telegram.sender import TelegramSender
from bot.store.addresses import AddressBook


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


class StoredChatOutput(FrontlineOutput):
    """Replies that answer no message (an agent's): to the chat the conversation last
    wrote from, as recorded in the address book."""

    def __init__(
        self, *, sender: TelegramSender, addresses: AddressBook, shorten: Callable[[str], str]
    ) -> None:
        self._sender = sender
        self._addresses = addresses
        self._shorten = shorten

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send(self, recipient_id: str, message: Outgoing) -> None:
        found = self._addresses.lookup(recipient_id)
        if found is None or found.channel != "telegram":
            raise LookupError(f"no Telegram chat for conversation {recipient_id}")
        chat = TelegramOutput(
            sender=self._sender,
            chat_id=int(found.address["chat_id"]),
            chat_type=str(found.address.get("chat_type", "private")),
            shorten=self._shorten,
        )
        await chat.send(recipient_id, message)
