"""The incident courier (bot/crisis/courier.py): updates and follow-ups reach each customer
on their own channel once, even with two replicas ticking at the same moment; a failed
send is audited and not repeated; a restart in the middle sends the rest."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from bot.crisis.courier import IncidentCourier
from bot.store.incidents import Incidents
from tests.auxil.incidents import FOLLOW_UP, UPDATE, Replica, Replicas, approved, ticket


@dataclass
class RecordingConversations:
    """Stands in for Rasa's tracker: what was recorded, then sent on ``output``."""

    said: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def say(
        self, sender_id: str, text: str, *, output: OutputChannel | None, metadata: dict[str, Any]
    ) -> None:
        with self.lock:
            self.said.append((sender_id, text, metadata))
        if output is not None:
            await output.send_text_message(sender_id, text)

    async def pause(self, sender_id: str) -> list[dict[str, Any]]:
        return []

    async def resume(self, sender_id: str, *, output: OutputChannel | None) -> None:
        return None


class BlockedOutput(CollectingOutputChannel):
    """A platform that refuses: the customer blocked the bot."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        raise RuntimeError("Forbidden: bot was blocked by the user")


@dataclass
class Platforms:
    """One collecting output per channel, as the hub's registered outputs would be."""

    outputs: dict[str, CollectingOutputChannel] = field(
        default_factory=lambda: {name: CollectingOutputChannel() for name in ("telegram", "web")}
    )

    def __call__(self, channel: str) -> OutputChannel | None:
        return self.outputs.get(channel)

    def received(self) -> list[tuple[str, str, str]]:
        """(channel, recipient, text) of every message sent, sorted."""
        return sorted(
            (channel, message["recipient_id"], message["text"])
            for channel, output in self.outputs.items()
            for message in output.messages
        )


def courier(replica: Replica, platforms: Platforms, **options: Any) -> IncidentCourier:
    return IncidentCourier(
        incidents=replica.incidents,
        conversations=options.pop("conversations", RecordingConversations()),
        outputs=platforms,
        clock=replica.clock,
        **options,
    )


def subscribe(incidents: Incidents, incident_id: str, *who: tuple[str, str, str]) -> None:
    for sender_id, channel, language in who:
        incidents.subscribe(incident_id, sender_id=sender_id, channel=channel, language=language)


def test_an_update_reaches_each_customer_on_their_own_channel_in_their_language_once(
    replicas: Replicas,
) -> None:
    one = replicas.start()
    platforms, conversations = Platforms(), RecordingConversations()
    sender = courier(one, platforms, conversations=conversations)
    incident = approved(one.incidents)
    linked = ticket(one.tickets, "tg-1", channel="telegram", language="de")
    one.incidents.link_ticket(incident.id, linked.id, by="ana")
    subscribe(one.incidents, incident.id, ("web-2", "web", "en"))
    posted = one.incidents.post_update(incident.id, UPDATE, by="ana")

    assert asyncio.run(sender.tick()) == 2
    assert asyncio.run(sender.tick()) == 0

    assert platforms.received() == [
        ("telegram", "tg-1", UPDATE["de"]),
        ("web", "web-2", UPDATE["en"]),
    ]
    metadata = {
        "author": "incident",
        "kind": "incident_update",
        "incident": incident.id,
        "delivery": posted.kind,
    }
    assert [said[2] for said in conversations.said] == [metadata, metadata]
    trail = one.incidents.audit(incident.id)
    assert sorted(e.detail["conversation"] for e in trail if e.what == "update_sent") == [
        "tg-1",
        "web-2",
    ]


def test_two_replicas_ticking_at_the_same_moment_send_each_update_exactly_once(
    replicas: Replicas,
) -> None:
    one, two = replicas.start(), replicas.start()
    platforms = Platforms()
    couriers = [courier(one, platforms), courier(two, platforms)]
    incident = approved(one.incidents)
    customers = [(f"web-{n}", "web", "en") for n in range(12)]
    customers += [(f"tg-{n}", "telegram", "de") for n in range(12)]
    subscribe(one.incidents, incident.id, *customers)
    one.incidents.post_update(incident.id, UPDATE, by="ana")
    one.incidents.resolve(incident.id, FOLLOW_UP, by="ben")

    barrier = threading.Barrier(2)
    counts: list[int] = []

    def replica(sender: IncidentCourier) -> None:
        barrier.wait()
        counts.append(asyncio.run(sender.tick()))

    threads = [threading.Thread(target=replica, args=(sender,)) for sender in couriers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    received = platforms.received()
    assert sum(counts) == len(received) == 48  # 24 updates and 24 follow-ups
    assert len(set(received)) == 48
    for sender in couriers:
        assert asyncio.run(sender.tick()) == 0


def test_a_failed_send_is_audited_and_not_sent_again(replicas: Replicas) -> None:
    one = replicas.start()
    platforms = Platforms()
    platforms.outputs["telegram"] = BlockedOutput()
    sender = courier(one, platforms)
    incident = approved(one.incidents)
    subscribe(one.incidents, incident.id, ("tg-1", "telegram", "de"), ("rest-2", "rest", "en"))
    one.incidents.post_update(incident.id, UPDATE, by="ana")

    assert asyncio.run(sender.tick()) == 0
    assert asyncio.run(sender.tick()) == 0

    failures = {
        e.detail["conversation"]: e.detail["failure"]
        for e in one.incidents.audit(incident.id)
        if e.what == "update_failed"
    }
    assert failures == {
        "tg-1": "RuntimeError('Forbidden: bot was blocked by the user')",
        "rest-2": "rest customers cannot be reached outside a turn",
    }


def test_a_batch_per_tick_and_a_restart_between_ticks_send_everything_once(
    replicas: Replicas,
) -> None:
    before = replicas.start()
    platforms = Platforms()
    incident = approved(before.incidents)
    subscribe(before.incidents, incident.id, *[(f"web-{n}", "web", "en") for n in range(5)])
    before.incidents.post_update(incident.id, UPDATE, by="ana")
    assert asyncio.run(courier(before, platforms, batch=2).tick()) == 2
    before.dispose()

    after = replicas.start()
    again = courier(after, platforms, batch=2)
    sent = [asyncio.run(again.tick()) for _ in range(4)]

    assert sent == [2, 1, 0, 0]
    assert [r[1] for r in platforms.received()] == [f"web-{n}" for n in range(5)]
