"""Rasa input and output channels: Telegram, Slack, the web chat widget and the agents' inbox.

Every channel is listed in ``credentials.yml`` and built on :mod:`bot.channels.base`.
"""
