"""Rasa input and output channels: Telegram, Slack and the web chat widget.

Every channel is listed in ``credentials.yml`` and built on :mod:`bot.channels.base`.
"""
