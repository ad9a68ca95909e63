"""Incidents in the database (bot/store/incidents.py), on SQLite and PostgreSQL: transitions
and refusals, nothing owed before approval, the statement once per conversation, updates
and follow-ups to the right conversations once each across replicas, the audit trail,
and a restart in the middle."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest

from bot.crisis.incident import (
    Delivery,
    IncidentError,
    MissingLanguages,
    UnknownIncident,
    WrongStatus,
    is_live,
)
from bot.crisis.topics import Topic
from bot.store.incidents import Incidents
from tests.auxil.incidents import (
    FOLLOW_UP,
    STATEMENT,
    T0,
    UPDATE,
    Replica,
    Replicas,
    approved,
    ticket,
)

R = TypeVar("R")


def at_once(*calls: Callable[[], R]) -> list[R]:
    """Run ``calls`` in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[R | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], R]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # reraised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]


def owed(incidents: Incidents) -> list[tuple[str, str, str, str]]:
    """What is pending at T0, as (conversation, channel, language, text), sorted."""
    return sorted((d.sender_id, d.channel, d.language, d.text) for d in incidents.pending(T0))


def test_a_draft_is_not_live_and_owes_nobody_anything(replicas: Replicas) -> None:
    one = replicas.start()
    draft = one.incidents.open(
        title="Sign-in fails", topic="keywords:outage", statement=STATEMENT, by="ana"
    )
    linked = ticket(one.tickets, "telegram-1", channel="telegram", language="de")
    assert one.incidents.link_ticket(draft.id, linked.id, by="ana")

    assert draft.status == "draft" and not is_live(draft)
    assert one.incidents.live() == []
    assert not one.incidents.told(draft.id, sender_id="web-a", channel="web", language="en")
    with pytest.raises(WrongStatus, match="is draft"):
        one.incidents.subscribe(draft.id, sender_id="web-a", channel="web", language="en")
    with pytest.raises(WrongStatus, match="is draft: update needs an open one"):
        one.incidents.post_update(draft.id, UPDATE, by="ana")
    assert one.incidents.pending(T0) == []


def test_approval_needs_the_statement_in_every_language_and_makes_it_live(
    replicas: Replicas,
) -> None:
    incidents = replicas.start().incidents
    draft = incidents.open(
        title="Sign-in fails", topic="faq:sign-in", statement={"en": STATEMENT["en"]}, by="ana"
    )

    with pytest.raises(MissingLanguages) as refused:
        incidents.approve(draft.id, by="ben")
    assert refused.value.languages == ("de",) and "no text in de" in str(refused.value)
    assert incidents.get(draft.id).status == "draft"

    edited = incidents.edit_statement(draft.id, {"de": STATEMENT["de"]}, by="ana")
    assert dict(edited.statement) == STATEMENT
    replicas.clock.advance(5)
    opened = incidents.approve(draft.id, by="ben")

    assert opened.status == "open" and is_live(opened)
    assert (opened.approved_by, opened.approved_at) == ("ben", T0 + timedelta(minutes=5))
    assert incidents.live() == [opened] == [incidents.get(draft.id)]
    assert Topic.parse(opened.topic) == Topic("faq", "sign-in")


def test_wrong_transitions_are_refused_and_change_nothing(replicas: Replicas) -> None:
    one = replicas.start()
    incident = approved(one.incidents)
    linked = ticket(one.tickets, "telegram-1", channel="telegram", language="de")

    with pytest.raises(WrongStatus, match="is open: approve needs a draft one"):
        one.incidents.approve(incident.id, by="ben")
    with pytest.raises(WrongStatus, match="edit needs a draft one"):
        one.incidents.edit_statement(incident.id, {"en": "Changed after approval"}, by="ana")
    with pytest.raises(MissingLanguages):
        one.incidents.resolve(incident.id, {"en": FOLLOW_UP["en"]}, by="ben")
    one.incidents.resolve(incident.id, FOLLOW_UP, by="ben")
    for refused in (
        lambda: one.incidents.resolve(incident.id, FOLLOW_UP, by="ben"),
        lambda: one.incidents.post_update(incident.id, UPDATE, by="ana"),
        lambda: one.incidents.link_ticket(incident.id, linked.id, by="ana"),
        lambda: one.incidents.subscribe(
            incident.id, sender_id="web-a", channel="web", language="en"
        ),
    ):
        with pytest.raises(WrongStatus, match="is resolved"):
            refused()

    after = one.incidents.get(incident.id)
    assert after.statement == STATEMENT and after.status == "resolved"
    assert one.incidents.live() == []
    assert not one.incidents.told(incident.id, sender_id="web-a", channel="web", language="en")


def test_unknown_ids_and_bad_input_are_refused_clearly(replicas: Replicas) -> None:
    incidents = replicas.start().incidents
    incident = approved(incidents)

    with pytest.raises(UnknownIncident, match="no incident nope"):
        incidents.get("nope")
    with pytest.raises(UnknownIncident, match="no incident nope"):
        incidents.approve("nope", by="ben")
    with pytest.raises(UnknownIncident, match="no ticket t-404"):
        incidents.link_ticket(incident.id, "t-404", by="ana")
    with pytest.raises(IncidentError, match="not a topic key"):
        incidents.open(title="Outage", topic="outage", statement=STATEMENT, by="ana")
    with pytest.raises(IncidentError, match="say who"):
        incidents.open(title="Outage", topic="keywords:outage", statement=STATEMENT, by=" ")
    with pytest.raises(IncidentError, match="needs a title"):
        incidents.open(title="", topic="keywords:outage", statement=STATEMENT, by="ana")
    with pytest.raises(IncidentError, match="notify is one of"):
        incidents.open(
            title="Outage", topic="keywords:outage", statement=STATEMENT, by="ana",
            notify="everyone",  # type: ignore[arg-type]
        )  # fmt: skip
    with pytest.raises(MissingLanguages, match="no text in any language"):
        incidents.open(title="Outage", topic="keywords:outage", statement={"en": " "}, by="ana")
    with pytest.raises(MissingLanguages, match="update has no text in de"):
        incidents.post_update(incident.id, {"en": "Soon", "de": ""}, by="ana")
    assert isinstance(UnknownIncident("x"), LookupError)
    assert [i.id for i in incidents.all()] == [incident.id]


def test_the_statement_is_told_once_per_conversation(replicas: Replicas) -> None:
    one, two = replicas.start(), replicas.start()
    incident = approved(one.incidents)

    first = one.incidents.told(incident.id, sender_id="web-a", channel="web", language="en")
    again = two.incidents.told(incident.id, sender_id="web-a", channel="web", language="en")
    other = two.incidents.told(incident.id, sender_id="tg-b", channel="telegram", language="de")

    assert (first, again, other) == (True, False, True)
    sent = [e.detail for e in one.incidents.audit(incident.id) if e.what == "statement_sent"]
    assert sent == [
        {"conversation": "web-a", "channel": "web", "language": "en"},
        {"conversation": "tg-b", "channel": "telegram", "language": "de"},
    ]


def test_two_replicas_telling_one_conversation_at_the_same_moment_tell_it_once(
    replicas: Replicas,
) -> None:
    one, two = replicas.start(), replicas.start()
    incident = approved(one.incidents)

    def tell(replica: Replica, sender: str) -> Callable[[], bool]:
        return lambda: replica.incidents.told(
            incident.id, sender_id=sender, channel="web", language="en"
        )

    for n in range(10):
        told = at_once(tell(one, f"web-{n}"), tell(two, f"web-{n}"))
        assert sorted(told) == [False, True], n

    statements = [e for e in one.incidents.audit(incident.id) if e.what == "statement_sent"]
    assert len(statements) == 10


def test_an_update_is_owed_to_linked_and_subscribed_conversations_once_each(
    replicas: Replicas,
) -> None:
    one = replicas.start()
    incident = approved(one.incidents)
    old = ticket(one.tickets, "tg-1", channel="telegram", language="en")
    one.tickets.resolve(old.id)
    newer = ticket(one.tickets, "tg-1", channel="telegram", language="de")  # handed off twice
    slack = ticket(one.tickets, "slack-2", channel="slack", language="fr")  # no French text
    for linked in (old, newer, slack):
        assert one.incidents.link_ticket(incident.id, linked.id, by="ana")
    assert not one.incidents.link_ticket(incident.id, slack.id, by="ana")
    one.incidents.subscribe(incident.id, sender_id="web-3", channel="web", language="de")
    # Subscribed and linked: told once, in the language they subscribed with.
    one.incidents.subscribe(incident.id, sender_id="slack-2", channel="slack", language="en")
    assert not one.incidents.subscribe(incident.id, sender_id="web-3", channel="web", language="de")

    posted = one.incidents.post_update(incident.id, UPDATE, by="ana")

    assert owed(one.incidents) == [
        ("slack-2", "slack", "en", UPDATE["en"]),
        ("tg-1", "telegram", "de", UPDATE["de"]),
        ("web-3", "web", "de", UPDATE["de"]),
    ]
    assert {d.kind for d in one.incidents.pending(T0)} == {f"update:{posted.id}"}
    assert one.incidents.linked_tickets(incident.id) == [old.id, newer.id, slack.id]


def test_a_french_customer_gets_the_default_language(replicas: Replicas) -> None:
    one = replicas.start()
    incident = approved(one.incidents)
    one.incidents.subscribe(incident.id, sender_id="web-fr", channel="web", language="fr")
    one.incidents.post_update(incident.id, UPDATE, by="ana")

    [delivery] = one.incidents.pending(T0)

    assert (delivery.language, delivery.text) == ("fr", UPDATE["en"])


def test_an_update_goes_to_conversations_that_joined_before_it(replicas: Replicas) -> None:
    one = replicas.start()
    incident = approved(one.incidents)
    one.incidents.subscribe(incident.id, sender_id="web-early", channel="web", language="en")
    first = one.incidents.post_update(incident.id, UPDATE, by="ana")
    replicas.clock.advance(10)
    one.incidents.subscribe(incident.id, sender_id="web-late", channel="web", language="en")
    second = one.incidents.post_update(incident.id, {"en": "Fixed soon", "de": "Bald"}, by="ana")

    pending = one.incidents.pending(replicas.clock.now)

    assert [(d.kind, d.sender_id) for d in pending] == [
        (first.kind, "web-early"),
        (second.kind, "web-early"),
        (second.kind, "web-late"),
    ]


def test_a_claimed_delivery_is_not_owed_again_and_only_one_replica_claims_it(
    replicas: Replicas,
) -> None:
    one, two = replicas.start(), replicas.start()
    incident = approved(one.incidents)
    one.incidents.subscribe(incident.id, sender_id="web-a", channel="web", language="en")
    one.incidents.post_update(incident.id, UPDATE, by="ana")
    [delivery] = one.incidents.pending(T0)

    claims = at_once(lambda: one.incidents.claim(delivery), lambda: two.incidents.claim(delivery))

    assert sorted(claims) == [False, True]
    assert one.incidents.pending(T0) == two.incidents.pending(T0) == []


def test_the_follow_up_goes_to_subscribers_when_opted_in(replicas: Replicas) -> None:
    one = replicas.start()
    incident = approved(one.incidents)
    linked = ticket(one.tickets, "tg-1", channel="telegram", language="de")
    one.incidents.link_ticket(incident.id, linked.id, by="ana")
    one.incidents.subscribe(incident.id, sender_id="web-3", channel="web", language="en")

    one.incidents.resolve(incident.id, FOLLOW_UP, by="ben")

    assert [(d.sender_id, d.kind, d.text) for d in one.incidents.pending(T0)] == [
        ("web-3", "follow_up", FOLLOW_UP["en"])
    ]


def test_the_follow_up_goes_to_linked_conversations_too_when_notify_is_linked(
    replicas: Replicas,
) -> None:
    one = replicas.start()
    incident = approved(one.incidents, notify="linked")
    linked = ticket(one.tickets, "tg-1", channel="telegram", language="de")
    one.incidents.link_ticket(incident.id, linked.id, by="ana")
    one.incidents.subscribe(incident.id, sender_id="web-3", channel="web", language="en")

    resolved = one.incidents.resolve(incident.id, FOLLOW_UP, by="ben")

    assert resolved.notify == "linked" and resolved.follow_up == FOLLOW_UP
    assert owed(one.incidents) == [
        ("tg-1", "telegram", "de", FOLLOW_UP["de"]),
        ("web-3", "web", "en", FOLLOW_UP["en"]),
    ]


def test_old_news_is_not_sent(replicas: Replicas) -> None:
    one = replicas.start()
    incident = approved(one.incidents)
    one.incidents.subscribe(incident.id, sender_id="web-3", channel="web", language="en")
    one.incidents.post_update(incident.id, UPDATE, by="ana")
    one.incidents.resolve(incident.id, FOLLOW_UP, by="ben")

    assert len(one.incidents.pending(T0 + timedelta(days=1))) == 2
    assert one.incidents.pending(T0 + timedelta(days=3)) == []
    assert len(one.incidents.pending(T0, limit=1)) == 1


def test_the_audit_trail_says_who_did_what_and_when(replicas: Replicas) -> None:
    one = replicas.start()
    clock = replicas.clock
    draft = one.incidents.open(
        title="Sign-in fails", topic="keywords:outage", statement={"en": STATEMENT["en"]}, by="ana"
    )
    clock.advance()
    one.incidents.edit_statement(draft.id, {"de": STATEMENT["de"]}, by="ana")
    clock.advance()
    one.incidents.approve(draft.id, by="ben")
    clock.advance()
    linked = ticket(one.tickets, "tg-1", channel="telegram", language="de")
    one.incidents.link_ticket(draft.id, linked.id, by="cem")
    clock.advance()
    one.incidents.told(draft.id, sender_id="web-3", channel="web", language="en")
    one.incidents.subscribe(draft.id, sender_id="web-3", channel="web", language="en")
    clock.advance()
    posted = one.incidents.post_update(draft.id, UPDATE, by="ana")
    clock.advance()
    sends = one.incidents.pending(clock.now)
    for delivery in sends:
        assert one.incidents.claim(delivery)
    one.incidents.sent(sends[0])
    one.incidents.failed(sends[1], "Telegram said 403: bot was blocked by the user")
    clock.advance()
    one.incidents.resolve(draft.id, FOLLOW_UP, by="ben")

    trail = [
        (e.what, e.who, int((e.at - T0).total_seconds() // 60))
        for e in one.incidents.audit(draft.id)
    ]
    assert trail == [
        ("opened", "ana", 0),
        ("edited", "ana", 1),
        ("approved", "ben", 2),
        ("linked", "cem", 3),
        ("statement_sent", "frontline", 4),
        ("subscribed", "customer", 4),
        ("update", "ana", 5),
        ("update_sent", "frontline", 6),
        ("update_failed", "frontline", 6),
        ("resolved", "ben", 7),
    ]
    entries = {e.what: e.detail for e in one.incidents.audit(draft.id)}
    assert entries["approved"] == {"statement": STATEMENT}
    assert entries["update"] == {"update": posted.id, "text": UPDATE}
    assert entries["update_failed"]["failure"] == "Telegram said 403: bot was blocked by the user"
    assert entries["update_failed"]["kind"] == posted.kind
    assert entries["resolved"] == {"follow_up": FOLLOW_UP, "notify": "opted_in"}


def test_a_restart_in_the_middle_loses_nothing_and_sends_nothing_twice(
    replicas: Replicas,
) -> None:
    before = replicas.start()
    incident = approved(before.incidents)
    for n in range(4):
        before.incidents.subscribe(incident.id, sender_id=f"web-{n}", channel="web", language="en")
    before.incidents.post_update(incident.id, UPDATE, by="ana")
    half = before.incidents.pending(T0)[:2]
    for delivery in half:
        before.incidents.claim(delivery)
        before.incidents.sent(delivery)
    before.dispose()

    after = replicas.start()
    rest = after.incidents.pending(T0)

    assert [d.sender_id for d in rest] == ["web-2", "web-3"]
    assert not any(after.incidents.claim(d) for d in half)
    assert after.incidents.live() == [incident]
    assert after.incidents.told(incident.id, sender_id="web-9", channel="web", language="en")
    after.incidents.resolve(incident.id, FOLLOW_UP, by="ben")
    assert len(after.incidents.pending(T0)) == 2 + 4  # the rest of the update, and follow-ups


def test_an_alert_is_recorded_once_however_many_replicas_see_it(replicas: Replicas) -> None:
    one, two = replicas.start(), replicas.start()
    alert = {"topic": "keywords:outage", "window_start": T0.isoformat(), "count": 40, "z": 9.1}

    first = one.incidents.record_alert(alert, at=T0)  # type: ignore[arg-type]
    again = two.incidents.record_alert(alert, at=T0)  # type: ignore[arg-type]

    assert (first, again) == (True, False)
    [entry] = two.incidents.alerts()
    assert (entry.what, entry.who, entry.at, entry.incident_id) == ("alert", "detector", T0, None)
    assert entry.detail == alert


def test_deliveries_name_their_kind_for_the_audit() -> None:
    update = Delivery("i", "web-a", "web", "en", "update:abc", "text")
    follow_up = Delivery("i", "web-a", "web", "en", "follow_up", "text")
    assert (update.what, follow_up.what) == ("update", "follow_up")
