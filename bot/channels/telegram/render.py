"""Outgoing messages as Telegram sends them (pure).

Text is markdown-lite rendered to Telegram's HTML parse mode and split at the
4096-character limit (counted in UTF-16, after markup, as Telegram counts it),
never inside a tag. Buttons become an inline keyboard on the last part; their
payloads ride in ``callback_data``, shortened by the caller when over 64 bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.base import Button, Outgoing
from bot.tone.markup import parse, split, to_plain, to_telegram_html, utf16_length

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


@dataclass(frozen=True)
class TelegramMessage:
    """One Bot API call: ``method`` is sendMessage, sendPhoto or sendDocument."""

    method: str
    text: str = ""
    plain: str = ""
    media: str | None = None
    keyboard: InlineKeyboardMarkup | None = None


def render(
    message: Outgoing, *, shorten: Callable[[str], str], limit: int = MESSAGE_LIMIT
) -> list[TelegramMessage]:
    """The Bot API calls that show ``message``, in order."""
    parts: list[TelegramMessage] = []
    if message.image:
        parts.append(TelegramMessage("sendPhoto", media=message.image))
    if message.attachment:
        parts.append(TelegramMessage("sendDocument", media=message.attachment))
    for chunk in split(parse(message.text), limit, measure=utf16_length):
        parts.append(
            TelegramMessage("sendMessage", text=to_telegram_html(chunk), plain=to_plain(chunk))
        )
    if message.buttons:
        keyboard = keyboard_of(message.buttons, shorten=shorten)
        if parts and parts[-1].method == "sendMessage":
            last = parts.pop()
            parts.append(
                TelegramMessage("sendMessage", text=last.text, plain=last.plain, keyboard=keyboard)
            )
        else:
            parts.append(TelegramMessage("sendMessage", text="👇", plain="👇", keyboard=keyboard))
    return parts


def keyboard_of(
    buttons: tuple[Button, ...], *, shorten: Callable[[str], str]
) -> InlineKeyboardMarkup:
    """One button per row: titles of FAQ entries are long and must stay readable."""
    rows = []
    for button in buttons:
        if button.url:
            rows.append([InlineKeyboardButton(button.title, url=button.url)])
        else:
            data = shorten(button.payload or button.title)
            rows.append([InlineKeyboardButton(button.title, callback_data=data)])
    return InlineKeyboardMarkup(rows)
