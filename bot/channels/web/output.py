"""Bot replies to the widget: one ``bot_uttered`` event per message, to every open tab.

Every tab of a session has joined the socket.io room named after the conversation
(``web-<session>``), so a reply, whether it answers a message or comes later from
an agent, reaches all of them. Texts stay markdown-lite; the browser renders them
with DOM text nodes, never as HTML.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.channels.base import Author, FrontlineOutput, Outgoing
from bot.channels.web.history import buttons_wire
from bot.channels.web.wire import BotUttered

BOT_UTTERED = "bot_uttered"
TYPING = "typing"
BUTTONS_DISABLED = "buttons_disabled"


class Emitter(Protocol):
    """The part of ``socketio.AsyncServer`` the output needs."""

    async def emit(
        self, event: str, data: Any = None, to: str | None = None, **kwargs: Any
    ) -> None: ...


class WebOutput(FrontlineOutput):
    @classmethod
    def name(cls) -> str:
        return "web"

    def __init__(self, *, sio: Emitter) -> None:
        self.sio = sio

    async def send(self, recipient_id: str, message: Outgoing) -> None:
        payload: BotUttered = {
            "text": message.text,
            "buttons": buttons_wire(message),
            "quick_replies": message.quick_replies,
            "image": message.image,
            "attachment": message.attachment,
            "author": (
                {"name": message.author.name, "avatar": message.author.avatar}
                if message.author
                else None
            ),
        }
        await self.sio.emit(BOT_UTTERED, payload, to=recipient_id)

    async def send_agent_message(self, recipient_id: str, text: str, *, author: Author) -> None:
        """The widget shows the agent's name and avatar itself, in a style of its own."""
        await self.send(recipient_id, Outgoing(text=text, author=author))

    async def disable_buttons(self, recipient_id: str) -> None:
        await self.sio.emit(BUTTONS_DISABLED, {}, to=recipient_id)

    async def typing(self, recipient_id: str, *, on: bool) -> None:
        """Show or hide the typing indicator in every tab of the conversation."""
        await self.sio.emit(TYPING, {"on": on}, to=recipient_id)
