"""Rasa output channel for one Telegram chat."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import FrontlineOutput, Outgoing, run_isolated
from bot.channels.telegram.render import render
from bot.channels.telegram.sender import TelegramSender
from bot.store.addresses import AddressBook
from bot.store.open_buttons import ButtonMessages


class TelegramOutput(FrontlineOutput):
    def __init__(
        self,
        *,
        sender: TelegramSender,
        chat_id: int,
        chat_type: str,
        shorten: Callable[[str], str],
        buttons: ButtonMessages | None = None,
    ) -> None:
        self._sender = sender
        self._chat_id = chat_id
        self._chat_type = chat_type
        self._shorten = shorten
        self._buttons = buttons

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send(self, recipient_id: str, message: Outgoing) -> None:
        for part in render(message, shorten=self._shorten):
            sent = await self._sender.deliver(self._chat_id, self._chat_type, part)
            if sent is not None and part.keyboard is not None and self._buttons is not None:
                ref = {"chat_id": self._chat_id, "message_id": sent.message_id}
                self._buttons.remember(recipient_id, channel="telegram", ref=ref)

    async def disable_buttons(self, recipient_id: str) -> None:
        """Take the inline keyboards off the messages that still have them."""
        if self._buttons is None:
            return
        for ref in self._buttons.take(recipient_id, channel="telegram"):
            await run_isolated(
                "telegram",
                "editMessageReplyMarkup",
                self._sender.bot.edit_message_reply_markup(
                    chat_id=ref["chat_id"], message_id=ref["message_id"], reply_markup=None
                ),
            )


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
