"""Conversation locks: two turns of one conversation never run at once (issue 13).

The race test runs two "replicas" (two threads, each with its own event loop and its own
Redis connection, as two Rasa processes would have) against one real Redis. Each pair
of messages arrives at both replicas at the same moment; a turn is a critical section
that notices when another turn of the conversation is inside it too, which is exactly
when a tracker loses one of the two turns' events.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore

from bot.settings import Settings
from bot.store.locks import AtomicRedisLockStore, TicketLockStore, lock_store

PAIRS = 1000
RASA_PAIRS = 200  # enough to show it; each of its stuck turns costs half a second


@dataclass
class Outcome:
    served: int = 0
    overlaps: int = 0
    lost: int = 0


def race(
    make_store: Callable[[], LockStore],
    conversation: str,
    pairs: int = PAIRS,
    *,
    stuck_after: float = 10.0,
) -> Outcome:
    """``pairs`` times, one message on each of two replicas at once; a turn still waiting
    after ``stuck_after`` seconds counts as lost."""
    outcome, inside, guard = Outcome(), [0], threading.Lock()
    barrier = threading.Barrier(2, timeout=30)

    def replica(store: LockStore) -> None:
        async def turn() -> None:
            async with store.lock(conversation, 30, 0.001):
                with guard:
                    inside[0] += 1
                    outcome.overlaps += inside[0] > 1
                try:
                    await asyncio.sleep(0.0005)  # load, decide, save
                finally:
                    with guard:
                        inside[0] -= 1
                        outcome.served += 1

        async def turns() -> None:
            for _ in range(pairs):
                barrier.wait()
                try:
                    await asyncio.wait_for(turn(), stuck_after)
                except (LockError, asyncio.TimeoutError):
                    with guard:
                        outcome.lost += 1

        asyncio.run(turns())

    threads = [threading.Thread(target=replica, args=(make_store(),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a replica hung"
    return outcome


def test_two_replicas_never_serve_one_conversation_at_once_with_ours_and_do_with_rasas(
    redis_url: str,
) -> None:
    address = urlparse(redis_url)

    def rasas() -> LockStore:
        return RedisLockStore(host=address.hostname or "", port=address.port or 6379, db=0)

    def ours() -> LockStore:
        return AtomicRedisLockStore(url=redis_url, lifetime=30, poll_interval=0.001)

    # A turn of Rasa's store whose ticket the other replica overwrote waits forever:
    # half a second tells; ours gets ten, so a busy CI machine cannot fake a loss.
    # How often Rasa's store shows the race depends on the machine's timing: up to three
    # rounds, until it has.
    theirs = Outcome()
    for round_ in range(3):
        outcome = race(rasas, f"race-rasa-{round_}", RASA_PAIRS, stuck_after=0.5)
        theirs.overlaps, theirs.lost = (
            theirs.overlaps + outcome.overlaps,
            theirs.lost + outcome.lost,
        )
        if theirs.overlaps + theirs.lost:
            break
    mine = race(ours, "race-ours")

    assert mine == Outcome(served=2 * PAIRS, overlaps=0, lost=0)
    # Rasa's GET-modify-SET hands both replicas the same ticket when they issue
    # together (both run: an overlap), or drops one replica's ticket (it waits forever).
    assert theirs.overlaps + theirs.lost > 0, theirs
    print(f"\nRasa RedisLockStore: {theirs}\nAtomicRedisLockStore: {mine}")


def test_the_atomic_store_keeps_rasas_format_and_leaves_no_key_behind(
    redis_url: str,
) -> None:
    store = AtomicRedisLockStore(url=redis_url, lifetime=30, poll_interval=0.001)
    first, second = store.issue_ticket("format"), store.issue_ticket("format")
    assert (first, second) == (0, 1)

    lock = store.get_lock("format")  # Rasa's own reader
    assert lock is not None and lock.conversation_id == "format"
    assert [t.number for t in lock.tickets] == [0, 1] and lock.now_serving == 0
    assert 30 < redis.Redis.from_url(redis_url).pttl("lock:format") / 1000 <= 90

    store.cleanup("format", first)
    assert store.get_lock("format").now_serving == 1  # type: ignore[union-attr]
    store.cleanup("format", second)
    assert store.get_lock("format") is None


def test_a_waiter_whose_ticket_expired_stops_waiting(redis_url: str) -> None:
    store = AtomicRedisLockStore(url=redis_url, lifetime=30, poll_interval=0.01)
    store.issue_ticket("stuck", 30)  # a turn that holds the lock

    async def wait() -> None:
        async with store.lock("stuck", 0.1):
            pass

    with pytest.raises(LockError):
        asyncio.run(asyncio.wait_for(wait(), 5))
    store.cleanup("stuck", 0)


def misserved_turns(store: LockStore, *, turn_seconds: float) -> int:
    """Two messages of one conversation whose turns take ``turn_seconds`` each: how many
    ran alongside the other, or were dropped (``LockError``)."""
    inside, misserved = [0], [0]

    async def turn() -> None:
        try:
            async with store.lock("slow"):
                inside[0] += 1
                misserved[0] += inside[0] > 1
                await asyncio.sleep(turn_seconds)
                inside[0] -= 1
        except LockError:
            misserved[0] += 1

    async def both() -> None:
        await asyncio.gather(turn(), turn())

    asyncio.run(both())
    return misserved[0]


def test_a_turn_longer_than_rasas_lock_lifetime_still_runs_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rasa's lock() took its 60 s default at import; a 0.2 s lifetime stands in for it
    # against a 0.4 s turn, as a 60 s lifetime did against a 70 s turn under load.
    rasas = InMemoryLockStore()
    monkeypatch.setattr(rasas, "issue_ticket", _short_tickets(rasas.issue_ticket, 0.2))
    assert misserved_turns(rasas, turn_seconds=0.4) == 1

    ours = TicketLockStore(lifetime=Settings().lock_lifetime, poll_interval=0.01)
    assert misserved_turns(ours, turn_seconds=0.4) == 0


def _short_tickets(issue: Callable[..., int], lifetime: float) -> Callable[..., int]:
    return lambda conversation_id, lock_lifetime=0: issue(conversation_id, lifetime)


def test_the_settings_choose_memory_or_redis(redis_url: str) -> None:
    assert isinstance(lock_store(Settings(redis_url="")), TicketLockStore)
    chosen = lock_store(Settings(redis_url=redis_url, lock_lifetime=200))
    assert isinstance(chosen, AtomicRedisLockStore) and chosen.lifetime == 200
    started = time.time()
    ticket = chosen.issue_ticket("chosen")
    expires = chosen.get_lock("chosen").tickets[0].expires  # type: ignore[union-attr]
    lease = Settings().lock_lease  # renewed while the replica lives, up to the lifetime
    assert started + lease - 1 < expires < time.time() + lease + 1
    chosen.cleanup("chosen", ticket)


def test_a_live_replica_keeps_its_lease_and_a_killed_ones_ticket_expires_within_it(
    redis_url: str,
) -> None:
    def replica() -> AtomicRedisLockStore:
        return AtomicRedisLockStore(url=redis_url, lifetime=60, poll_interval=0.01, lease=1.0)

    alive, other = replica(), replica()
    order: list[str] = []

    async def hold(store: AtomicRedisLockStore, name: str, seconds: float) -> None:
        async with store.lock("leased"):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    async def both() -> None:
        first = asyncio.create_task(hold(alive, "alive", 2.5))  # 2.5 leases long
        await asyncio.sleep(0.1)
        await hold(other, "other", 0)
        await first

    asyncio.run(both())
    assert order == ["alive in", "alive out", "other in", "other out"]  # never alongside

    killed = replica()
    killed.issue_ticket("leased")  # then the process died: nobody renews it
    began = time.monotonic()
    asyncio.run(asyncio.wait_for(hold(other, "next", 0), 10))
    assert 0.8 < time.monotonic() - began < 3  # served after the lease, not the lifetime
