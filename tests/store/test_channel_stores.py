"""Delivery dedupe and long button payloads on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog
from bot.store.payloads import PayloadStore


def test_a_delivery_is_first_only_once_even_across_replicas(database_url: str) -> None:
    one = DeliveryLog(sessions=session_factory(create_database(database_url)))
    two = DeliveryLog(sessions=session_factory(create_database(database_url)))  # another process
    assert one.first_delivery("telegram", "100")
    assert not one.first_delivery("telegram", "100")
    assert not two.first_delivery("telegram", "100")
    assert two.first_delivery("slack", "100")  # keys are per channel


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
