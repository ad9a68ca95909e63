"""Handoff wiring inside the Rasa server: one desk per process, fed by the channels.

Rasa builds each input channel on its own, so the channels meet here. Each one
registers how to reach its customers (:meth:`Hub.register_output`) and, for
Slack, its agent relay; the first channel to see the server start builds the
:class:`~bot.handoff.desk.Desk` on Rasa's agent and starts its clock. The hub is
created on first use, never at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, Sanic

from bot.channels.wiring import database_sessions
from bot.crisis.courier import IncidentCourier
from bot.crisis.monitor import AlertSink, SurgeMonitor
from bot.handoff.accounts import AccountsFile
from bot.handoff.conversations import RasaConversations
from bot.handoff.desk import Desk
from bot.handoff.ports import AgentRelay
from bot.handoff.webhook import WebhookRelay, build_webhook_relay
from bot.hours.config import load_hours
from bot.settings import Settings, get_settings
from bot.store.incidents import Incidents
from bot.store.tickets import Ticket, Tickets
from bot.tone.texts import bot_texts

log = logging.getLogger(__name__)

OutputFactory = Callable[[], "OutputChannel | None"]


class Hub:
    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings
        self._outputs: dict[str, OutputFactory] = {}
        self._relays: list[AgentRelay] = []
        self._task: asyncio.Task[None] | None = None
        self._webhook: WebhookRelay | None = None
        self.desk: Desk | None = None
        self.courier: IncidentCourier | None = None
        self.monitor: SurgeMonitor | None = None

    def register_output(self, channel: str, factory: OutputFactory) -> None:
        """How the desk reaches customers of ``channel`` outside a turn."""
        self._outputs[channel] = factory

    def add_relay(self, relay: AgentRelay) -> None:
        self._relays.append(relay)

    def join(self, blueprint: Blueprint, *, channel: str, output: OutputFactory) -> None:
        """Called by each channel's ``blueprint()``: register it, start and stop the desk."""
        self.register_output(channel, output)

        @blueprint.listener("after_server_start")
        async def start(app: Sanic, _loop: Any) -> None:
            await self.start(app)

        @blueprint.listener("before_server_stop")
        async def stop(_app: Sanic, _loop: Any) -> None:
            await self.stop()

    async def start(self, app: Sanic) -> None:
        """Build the desk on the loaded Rasa agent and start its clock (once)."""
        if self.desk is not None:
            return
        agent = getattr(app.ctx, "agent", None)
        if agent is None:  # a bare Sanic app (a channel on its own): no conversations to hand off
            log.warning("handoff: no Rasa agent on this server, so the desk is off")
            return
        settings = self.settings
        self._webhook = webhook = build_webhook_relay(settings)
        relays = [*self._relays, *([webhook] if webhook is not None else [])]
        conversations = RasaConversations(agent=agent)
        incidents = Incidents(
            sessions=database_sessions(settings),
            languages=settings.languages,
            default_language=settings.default_language,
        )
        sinks = [relay for relay in relays if isinstance(relay, AlertSink)]
        self.monitor = SurgeMonitor.from_settings(settings, incidents=incidents, sinks=sinks)
        self.desk = Desk(
            tickets=Tickets(sessions=database_sessions(settings)),
            conversations=conversations,
            outputs=self.output_for,
            relays=relays,
            texts=bot_texts(settings),
            hours=load_hours(settings.hours_file),
            remind_after=timedelta(minutes=settings.handoff_remind_after_minutes),
            avatars=_avatars(settings),
        )
        self.courier = IncidentCourier(
            incidents=incidents,
            conversations=conversations,
            outputs=self.output_on,
        )
        self._task = asyncio.get_running_loop().create_task(self._run())
        log.info("handoff: desk ready; relays: %s", [type(r).__name__ for r in relays] or "none")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._webhook is not None:
            webhook, self._webhook = self._webhook, None
            await webhook.aclose()

    def output_for(self, ticket: Ticket) -> OutputChannel | None:
        return self.output_on(ticket.channel)

    def output_on(self, channel: str) -> OutputChannel | None:
        factory = self._outputs.get(channel)
        output = factory() if factory is not None else None
        if output is None:
            log.warning("handoff: cannot reach %s customers outside a turn", channel)
        return output

    # The channels' gate ---------------------------------------------------------------

    def handed_off(self, sender_id: str) -> bool:
        return self.desk is not None and self.desk.handed_off(sender_id)

    async def customer_wrote(self, sender_id: str, text: str) -> None:
        if self.desk is not None:
            await self.desk.customer_wrote(sender_id, text)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.handoff_poll_seconds)
            if self.desk is None:
                continue
            try:
                await self.desk.tick()
            except Exception:  # the clock must keep running
                log.exception("handoff: desk tick failed")
            if self.courier is None:
                continue
            try:  # incident updates and follow-ups owed to customers
                await self.courier.tick()
            except Exception:
                log.exception("incidents: courier tick failed")
            if self.monitor is None:
                continue
            try:  # surge alerts from every replica's counts
                await self.monitor.tick()
            except Exception:
                log.exception("crisis: surge monitor tick failed")


def _avatars(settings: Settings) -> Callable[[str], str | None]:
    """Each agent's avatar URL from the accounts file, read again when it changes."""
    accounts = AccountsFile(settings.agents_file)

    def avatar(name: str) -> str | None:
        account = accounts().get(name)
        return account.avatar_url if account is not None else None

    return avatar


@lru_cache(maxsize=1)
def hub() -> Hub:
    """The process's hub, created on first use."""
    return Hub(settings=get_settings())


def desk_of(app: Sanic) -> Desk:
    """The running server's desk (for the agent surfaces)."""
    desk = hub().desk
    if desk is None:
        raise RuntimeError("the handoff desk starts with the server; it is not running yet")
    return desk
