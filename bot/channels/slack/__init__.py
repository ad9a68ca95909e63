"""Slack, through slack-bolt: the Events API over HTTP, or Socket Mode."""

from bot.channels.slack.channel import SlackInput

__all__ = ["SlackInput"]
