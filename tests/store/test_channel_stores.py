"""Delivery dedupe and long button payloads on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import DBAPIError

from bot.store.db import create_database, session_factory
from bot.store.deliveries import Claim, DeliveryLog
from bot.store.models import ChannelDelivery
from bot.store.payloads import PayloadStore


def test_a_delivery_is_first_only_once_even_across_replicas(database_url: str) -> None:
    one = DeliveryLog(sessions=session_factory(create_database(database_url)))
    two = DeliveryLog(sessions=session_factory(create_database(database_url)))  # another process
    assert one.first_delivery("telegram", "100")
    assert not one.first_delivery("telegram", "100")
    assert not two.first_delivery("telegram", "100")
    assert two.first_delivery("slack", "100")  # keys are per channel


def test_a_released_claim_lets_the_resend_through(database_url: str) -> None:
    log = DeliveryLog(sessions=session_factory(create_database(database_url)))
    assert log.first_delivery("rest", "m-1")
    log.release("rest", "m-1")  # its turn never ran
    assert log.first_delivery("rest", "m-1")
    assert not log.first_delivery("rest", "m-1")


def test_a_claim_the_database_refused_is_not_remembered(database_url: str) -> None:
    engine = create_database(database_url)
    log = DeliveryLog(sessions=session_factory(engine))
    ChannelDelivery.__table__.drop(engine)  # the database cannot take the claim
    with pytest.raises(DBAPIError):
        log.first_delivery("rest", "m-2")
    ChannelDelivery.__table__.create(engine)  # back
    assert log.first_delivery("rest", "m-2")


def test_a_running_claim_holds_while_it_beats_and_is_taken_over_once_when_it_stops(
    database_url: str,
) -> None:
    start = datetime.now(timezone.utc)
    replica = DeliveryLog(sessions=session_factory(create_database(database_url)))
    others = [DeliveryLog(sessions=session_factory(create_database(database_url))) for _ in "ab"]
    assert replica.claim("rest", "m-3", now=start) is Claim.RUN

    later = start + timedelta(seconds=10)
    assert others[0].claim("rest", "m-3", now=later) is Claim.RUNNING  # alive: wait
    replica.beat("rest", "m-3", now=later)
    still = later + timedelta(seconds=10)
    assert others[0].claim("rest", "m-3", now=still) is Claim.RUNNING  # it beat 10 s ago

    dead = later + timedelta(seconds=13)  # no beat for longer than STALE_AFTER
    takers = [other.claim("rest", "m-3", now=dead) for other in others]
    assert sorted(claim.value for claim in takers) == ["running", "taken"]  # one taker only
    assert others[0].recheck("rest", "m-3", now=dead) is Claim.RUNNING  # the taker beats now


def test_a_finished_delivery_is_done_everywhere(database_url: str) -> None:
    one = DeliveryLog(sessions=session_factory(create_database(database_url)))
    two = DeliveryLog(sessions=session_factory(create_database(database_url)))
    assert one.claim("web", "s:1") is Claim.RUN
    one.finish("web", "s:1")
    assert one.claim("web", "s:1") is Claim.DONE
    far = datetime.now(timezone.utc) + timedelta(hours=1)  # done never goes stale
    assert two.claim("web", "s:1", now=far) is Claim.DONE


def test_old_deliveries_are_pruned(database_url: str) -> None:
    log = DeliveryLog(sessions=session_factory(create_database(database_url)), memory=1)
    log.first_delivery("telegram", "1")
    log.first_delivery("telegram", "2")  # pushes "1" out of memory
    assert log.prune(now=datetime.now(timezone.utc) + timedelta(days=3)) == 2
    assert log.first_delivery("telegram", "1")


def test_long_payloads_go_behind_a_token_and_come_back(database_url: str) -> None:
    store = PayloadStore(sessions=session_factory(create_database(database_url)))
    short = '/faq_choose{"faq_id": "a"}'
    assert store.shorten(short, limit_bytes=64) == short
    long = '/faq_choose{"faq_id": "' + "é" * 40 + '"}'
    token = store.shorten(long, limit_bytes=64)
    assert len(token.encode()) <= 64 and token != long
    assert store.shorten(long, limit_bytes=64) == token
    assert store.resolve(token) == long
    assert store.resolve(short) == short
    assert store.resolve("#p:unknown") is None
