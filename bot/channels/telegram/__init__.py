"""Telegram, through python-telegram-bot: webhook or polling."""

from bot.channels.telegram.channel import TelegramInput

__all__ = ["TelegramInput"]
