"""The slack-bolt app: verification, authorization, self-event and redelivery filters, listeners.

Bolt's own middleware runs first: it answers ``url_verification``, rejects a bad
or stale signature with 401 (HTTP mode), learns the bot's identity from
``auth.test`` once, and acknowledges the bot's own events without handling them.
Its loggers mask personal data (see :mod:`bot.channels.slack.redacted_logs`).
Then :class:`DropRedeliveries` drops a second delivery of an ``event_id``.
``process_before_response`` stays off: bolt acknowledges before a listener runs.

Bolt runs the first listener that matches, in the order they are registered: the
agent channel's listeners come first, so nothing said or clicked there is ever
taken for a customer's message.
"""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.agent_events import AgentListeners
from bot.channels.slack.redacted_logs import bolt_logger
from bot.channels.slack.redeliveries import DropRedeliveries
from bot.channels.slack.turns import SlackTurns
from bot.store.deliveries import DeliveryLog


def build_bolt_app(
    *,
    client: AsyncWebClient,
    signing_secret: str | None,
    deliveries: DeliveryLog,
    turns: SlackTurns,
    channel: str = "slack",
    agents: AgentListeners | None = None,
) -> AsyncApp:
    """A bolt app whose listeners are ``turns``, and ``agents`` in the agent channel.

    Args:
        client: The Web API client, also used for ``auth.test``.
        signing_secret: Verifies HTTP requests; None only in Socket Mode, whose
            requests arrive over an authenticated WebSocket instead.
        deliveries: Remembers handled event ids.
        turns: The listeners.
        channel: The channel name deliveries are recorded under.
        agents: Listeners for the agents' channel (thread replies, card buttons); None
            when there is no agent channel.
    """
    app = AsyncApp(
        name="frontline-slack",
        logger=bolt_logger(),
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        process_before_response=False,
    )
    app.use(DropRedeliveries(deliveries=deliveries, channel=channel))
    if agents is not None:
        app.block_action(re.compile(r"^ticket_(claim|resolve|return)$"))(agents.on_ticket_action)
        app.event(re.compile(r"^(message|app_mention)$"), matchers=[agents.in_agent_channel])(
            agents.on_agent_message
        )
    app.event(re.compile(r"^(message|app_mention)$"))(turns.on_event)
    app.event(re.compile(r".*"))(turns.on_other_event)
    app.block_action(re.compile(r".*"))(turns.on_click)
    return app
