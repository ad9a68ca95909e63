"""The Slack channel's configuration, checked once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings, require

BOT_TOKEN_VARIABLE = "FRONTLINE_SLACK_BOT_TOKEN"
SIGNING_SECRET_VARIABLE = "FRONTLINE_SLACK_SIGNING_SECRET"
APP_TOKEN_VARIABLE = "FRONTLINE_SLACK_APP_TOKEN"


@dataclass(frozen=True)
class SlackConfig:
    """What the channel needs, with every secret present for the chosen mode.

    Attributes:
        bot_token: The bot token (``xoxb-``) for the Web API.
        socket_mode: True for Socket Mode, False for the Events API over HTTP.
        signing_secret: Verifies HTTP requests; None in Socket Mode.
        app_token: The app-level token (``xapp-``) for Socket Mode; None otherwise.
        api_url: The Web API base URL.
        languages: Supported languages, for the channel's own texts.
        default_language: The language when the customer's locale is not supported.
        agent_channel: The channel agents work tickets in (``C...``); None: no cards.
    """

    bot_token: str
    socket_mode: bool
    signing_secret: str | None
    app_token: str | None
    api_url: str
    languages: tuple[str, ...]
    default_language: str
    agent_channel: str | None = None


def slack_config(settings: Settings) -> SlackConfig | None:
    """The configuration; None when the channel is off (no bot token).

    Raises:
        MissingCredentialError: The bot token is set but the secret the mode
            needs is not (the signing secret for events, the app token for Socket Mode).
    """
    token = settings.slack_bot_token
    if token is None or not token.get_secret_value():
        return None
    socket_mode = settings.slack_mode == "socket"
    signing_secret = app_token = None
    if socket_mode:
        app_token = require(settings.slack_app_token, APP_TOKEN_VARIABLE, "Slack's Socket Mode")
    else:
        signing_secret = require(
            settings.slack_signing_secret,
            SIGNING_SECRET_VARIABLE,
            "Slack's Events API (verifying Slack's requests)",
        )
    return SlackConfig(
        bot_token=token.get_secret_value(),
        socket_mode=socket_mode,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=settings.slack_api_url,
        languages=tuple(settings.languages),
        default_language=settings.default_language,
        agent_channel=settings.slack_agent_channel.strip() or None,
    )
