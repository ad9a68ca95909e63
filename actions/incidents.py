"""Crisis mode at the action server: the live incidents a turn sees, and what it did.

The live incidents are read at most every few seconds (every customer message asks),
and marked with whether this conversation got their statement already. After the
turn: the message is counted in its topics' windows (surge detection), the statement
given is recorded (once per conversation, audited), a customer's "notify me" is kept,
and a ticket opened about an incident is linked to it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.crisis.incident import Incident, IncidentError
from bot.faq.redact import profile_names
from bot.store.incidents import Incidents
from bot.store.surge_counts import SurgeCounts
from bot.store.tickets import Tickets
from bot.turn.context import LiveIncident, TurnContext
from bot.turn.reply import TurnReply

log = logging.getLogger(__name__)


class IncidentTurns:
    def __init__(
        self,
        *,
        incidents: Incidents,
        counts: SurgeCounts | None = None,
        clock: Callable[[], float] = time.monotonic,
        keep_s: float = 5.0,
    ) -> None:
        self._incidents = incidents
        self._counts = counts
        self._clock = clock
        self._keep_s = keep_s
        self._live: tuple[float, list[Incident]] | None = None

    def live_for(self, sender_id: str) -> tuple[LiveIncident, ...]:
        live = self._current()
        if not live:
            return ()
        told = self._incidents.told_to(sender_id)
        return tuple(
            LiveIncident(i.id, i.topic, dict(i.statement), told=i.id in told) for i in live
        )

    def count(self, ctx: TurnContext, reply: TurnReply) -> None:
        """Count the message in its topics' 15-minute windows, for surge detection."""
        if self._counts is None or not reply.topics:
            return
        try:
            self._counts.record(
                reply.topics,
                at=ctx.now,
                angry=reply.angry,
                channel=ctx.channel,
                text=ctx.text,
                language=reply.language,
                names=profile_names(dict(ctx.metadata)),
            )
        except Exception:  # counting must never cost the customer their answer
            log.exception("surge count not recorded")

    def after(self, ctx: TurnContext, reply: TurnReply, *, tickets: Tickets) -> None:
        """What a stored turn means for incidents: its counts, and what it was told."""
        self.count(ctx, reply)
        if reply.incidents_matched or reply.subscribe:
            opened = tickets.active_for(ctx.sender_id, transcript=False)
            self.record(ctx, reply, ticket_id=opened.id if opened else None)

    def record(self, ctx: TurnContext, reply: TurnReply, *, ticket_id: str | None) -> None:
        where = {"sender_id": ctx.sender_id, "channel": ctx.channel, "language": reply.language}
        try:
            for incident_id in reply.incidents_told:
                self._incidents.told(incident_id, **where)
            if reply.subscribe:
                self._incidents.subscribe(reply.subscribe, **where)
            if ticket_id is not None:
                for incident_id in reply.incidents_matched:
                    self._incidents.link_ticket(incident_id, ticket_id, by="frontline")
        except IncidentError as error:  # resolved meanwhile, or a stale button
            log.info("incident not recorded: %s", error)

    def _current(self) -> list[Incident]:
        now = self._clock()
        if self._live is None or now - self._live[0] > self._keep_s:
            self._live = (now, self._incidents.live())
        return self._live[1]
