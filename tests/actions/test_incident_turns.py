"""The action server's side of crisis mode (actions/incidents.py), on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from actions.incidents import IncidentTurns
from bot.crisis.config import load_crisis
from bot.settings import Settings
from bot.store.db import session_factory
from bot.store.surge_counts import SurgeCounts
from bot.turn.context import TurnContext
from bot.turn.reply import TurnReply
from bot.turn.state import ConversationState
from tests.auxil.incidents import STATEMENT, Clock, Replica, Replicas, approved, ticket


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    replicas = Replicas(f"sqlite:///{tmp_path / 'frontline.db'}", Clock())
    yield replicas.start()
    replicas.dispose()


def turn(sender_id: str) -> TurnContext:
    return TurnContext(sender_id, "site is down", "faq", "telegram", datetime.now(timezone.utc))


def test_a_conversation_sees_the_live_incidents_and_whether_it_was_told(replica: Replica) -> None:
    incident = approved(replica.incidents)
    ticks = iter(range(1000))
    turns = IncidentTurns(incidents=replica.incidents, clock=lambda: next(ticks) * 10.0)

    [live] = turns.live_for("telegram-1")
    assert (live.id, live.topic, live.statement, live.told) == (
        incident.id,
        "keywords:outage",
        STATEMENT,
        False,
    )
    reply = TurnReply((), ConversationState(), "de", incidents_told=(incident.id,))
    turns.record(turn("telegram-1"), reply, ticket_id=None)

    assert turns.live_for("telegram-1")[0].told  # told once: not again
    assert not turns.live_for("telegram-2")[0].told  # another conversation


def test_a_wish_to_be_notified_and_a_ticket_about_the_incident_are_recorded(
    replica: Replica,
) -> None:
    incident = approved(replica.incidents)
    opened = ticket(replica.tickets, "telegram-1", channel="telegram", language="de")
    turns = IncidentTurns(incidents=replica.incidents)
    reply = TurnReply(
        (), ConversationState(), "de", incidents_matched=(incident.id,), subscribe=incident.id
    )

    turns.record(turn("telegram-1"), reply, ticket_id=opened.id)

    assert replica.incidents.linked_tickets(incident.id) == [opened.id]
    whats = [entry.what for entry in replica.incidents.audit(incident.id)]
    assert "subscribed" in whats and "linked" in whats


def test_a_stale_notify_button_after_resolution_is_not_an_error(replica: Replica) -> None:
    incident = approved(replica.incidents)
    replica.incidents.resolve(incident.id, {"en": "Fixed.", "de": "Behoben."}, by="ben")
    turns = IncidentTurns(incidents=replica.incidents)
    reply = TurnReply((), ConversationState(), "en", subscribe=incident.id)

    turns.record(turn("telegram-1"), reply, ticket_id=None)  # logged, not raised
    assert turns.live_for("telegram-1") == ()


def test_each_typed_message_is_counted_in_its_topics_windows(replica: Replica) -> None:
    counts = SurgeCounts(
        sessions=session_factory(replica.engine), rules=load_crisis(Settings().crisis_file).rules
    )
    turns = IncidentTurns(incidents=replica.incidents, counts=counts)
    ctx = turn("telegram-1")
    topics = ("faq:track-order", "keywords:outage")
    for angry in (True, False):
        reply = TurnReply((), ConversationState(), "en", topics=topics, angry=angry)
        turns.count(ctx, reply)
    turns.count(ctx, TurnReply((), ConversationState(), "en"))  # a click: no topics

    stored = counts.counts(since=ctx.now - timedelta(hours=1), until=ctx.now + timedelta(hours=1))
    assert sorted((c.topic.key, c.messages, c.angry) for c in stored) == [
        ("faq:track-order", 2, 1),
        ("keywords:outage", 2, 1),
    ]
