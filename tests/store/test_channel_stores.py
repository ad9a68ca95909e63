"""Delivery dedupe and long button payloads on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import DBAPIError

from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog
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
