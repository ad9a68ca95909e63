"""Sends incident updates and follow-ups to customers outside a turn, once each across replicas.

The handoff hub calls :meth:`IncidentCourier.tick` on its clock in every Rasa replica.
Each replica asks the store what is owed, and claims each delivery before sending it.
The claim is a row with a unique key, so only one replica wins it. The text goes out on
the customer's own channel and is recorded in Rasa's tracker, as the desk records an
agent's message. A send that fails after its claim is logged and audited and not sent
again: a blind resend could reach the customer twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from rasa.core.channels.channel import OutputChannel

from bot.channels.redact import redact
from bot.crisis.incident import Delivery
from bot.handoff.conversations import Conversations
from bot.store.incidents import Incidents

log = logging.getLogger(__name__)

ChannelOutputs = Callable[[str], "OutputChannel | None"]
"""The output channel that reaches a channel's customers outside a turn, or None."""


class IncidentCourier:
    """Delivers what :meth:`Incidents.pending` says is owed.

    Args:
        incidents: The incidents store.
        conversations: Records each text in the conversation's tracker and sends it.
        outputs: The output channel of a channel name (``telegram``, ``slack``, ``web``).
        clock: The time now (UTC).
        batch: Most deliveries per tick, so one tick never holds up the desk for long;
            the rest go at the next ticks.
    """

    def __init__(
        self,
        *,
        incidents: Incidents,
        conversations: Conversations,
        outputs: ChannelOutputs,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        batch: int = 50,
    ) -> None:
        self.incidents = incidents
        self.conversations = conversations
        self.outputs = outputs
        self.clock = clock
        self.batch = batch

    async def tick(self) -> int:
        """Claim and send what is owed; returns how many this replica sent."""
        sent = 0
        for delivery in self.incidents.pending(self.clock(), limit=self.batch):
            if self.incidents.claim(delivery) and await self._send(delivery):
                sent += 1
        return sent

    async def _send(self, delivery: Delivery) -> bool:
        output = self.outputs(delivery.channel)
        if output is None:
            reason = f"{delivery.channel} customers cannot be reached outside a turn"
            log.warning("incident %s: %s", delivery.incident_id, reason)
            self.incidents.failed(delivery, reason)
            return False
        metadata = {
            "author": "incident",
            "kind": f"incident_{delivery.what}",
            "incident": delivery.incident_id,
            "delivery": delivery.kind,
        }
        try:
            await self.conversations.say(
                delivery.sender_id, delivery.text, output=output, metadata=metadata
            )
        except Exception as error:  # one customer's channel must not stop the others
            reason = redact(repr(error))
            log.error(
                "incident %s: %s to %s failed, not retried: %s",
                delivery.incident_id,
                delivery.kind,
                delivery.channel,
                reason,
            )
            self.incidents.failed(delivery, reason)
            return False
        self.incidents.sent(delivery)
        return True
