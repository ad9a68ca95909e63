"""The Rasa server's per-conversation lock: in memory for one process, Redis for several.

Rasa takes a ticket lock per conversation for every message, so that two messages of
one conversation never run at once (two turns that load the same tracker and save it
overwrite each other's events). Two defaults of Rasa 3.6 break that promise:

- A ticket lives 60 s (``DEFAULT_LOCK_LIFETIME``), counted from the moment it was
  issued, queueing included. Under load a turn took longer; its ticket expired, the
  next message of the conversation ran alongside it, and the tracker kept only one
  of the two turns while both customers' replies went out. Here a ticket lives
  ``lock_lifetime`` (longer than any turn can take: the action call has its own
  deadline), and the lock is polled every ``lock_poll_interval`` rather than every
  second, which added up to a second to every queued message.
- ``RedisLockStore`` issues tickets with GET, modify, SET: two replicas that issue at
  the same moment get the same ticket and both run (RasaHQ/rasa#9213, #3933).
  :class:`AtomicRedisLockStore` does each read-modify-write in one Lua script, on
  Rasa's own stored format, so ``get_lock`` and the tooling still read it.

Across replicas a ticket is a lease: it lives ``lock_lease`` seconds and the replica
that holds it renews it while it is alive, up to ``lock_lifetime``. A replica killed
mid-turn leaves a ticket that expires within the lease, not two minutes, so the
conversation's next message (or the killed one's resend) is served within seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore

from bot.settings import Settings, get_settings
from bot.store.lock_scripts import ISSUE, RELEASE, RENEW, TIDY

log = logging.getLogger(__name__)


class _ConfiguredLocks(LockStore):
    """Rasa's ``lock()`` with our lifetime and poll interval as its defaults."""

    lifetime: float = 120.0
    poll_interval: float = 0.02

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float | None = None,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        lifetime = self.lifetime if lock_lifetime is None else lock_lifetime
        wait = self.poll_interval if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lifetime, wait) as acquired:
            yield acquired

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        # Rasa's loop waits forever when its own ticket expired while others still
        # hold tickets; a turn that can no longer be served in order must fail loudly.
        while True:
            lock = self.get_lock(conversation_id)
            if lock is not None:
                lock.remove_expired_tickets()
            if lock is None or all(held.number != ticket for held in lock.tickets):
                raise LockError(f"ticket {ticket} of conversation {conversation_id!r} expired")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)


class TicketLockStore(_ConfiguredLocks, InMemoryLockStore):
    """One Rasa process: Rasa's in-memory store with a lifetime that outlasts a turn."""

    def __init__(self, *, lifetime: float, poll_interval: float) -> None:
        super().__init__()
        self.lifetime, self.poll_interval = lifetime, poll_interval


class AtomicRedisLockStore(_ConfiguredLocks, RedisLockStore):
    """Several Rasa replicas: tickets issued, tidied and returned atomically in Redis."""

    def __init__(
        self,
        *,
        url: str,
        lifetime: float,
        poll_interval: float,
        key_prefix: str = "",
        lease: float | None = None,
    ) -> None:
        import redis

        # RedisLockStore.__init__ wants host and port; build its client from the URL.
        LockStore.__init__(self)
        self.red = redis.Redis.from_url(url, socket_timeout=10)
        self.key_prefix = f"{key_prefix}:lock:" if key_prefix else "lock:"
        self.lifetime, self.poll_interval = lifetime, poll_interval
        self.lease = min(lease or lifetime, lifetime)
        self._issue = self.red.register_script(ISSUE)
        self._release = self.red.register_script(RELEASE)
        self._tidy = self.red.register_script(TIDY)
        self._renew = self.red.register_script(RENEW)
        # Tickets this process holds or waits with, and when they must end at the latest.
        self._held: dict[tuple[str, int], float] = {}
        self._renewer: asyncio.Task[None] | None = None

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = 0) -> int:
        lifetime = lock_lifetime or self.lifetime
        lease = min(self.lease, lifetime)
        try:
            key = self.key_prefix + conversation_id
            number = int(self._issue(keys=[key], args=[time.time(), lease, conversation_id]))
        except Exception as error:  # Redis down: Rasa answers the request with an error
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        if lease < lifetime:
            self._held[(conversation_id, number)] = time.time() + lifetime
            self._keep_renewing()
        return number

    def _keep_renewing(self) -> None:
        if self._renewer is not None and not self._renewer.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside an event loop (tooling): the lease just runs
            return
        self._renewer = loop.create_task(self._renew_while_held())

    async def _renew_while_held(self) -> None:
        while self._held:
            await asyncio.sleep(self.lease / 5)
            now = time.time()
            held = [(c, n) for (c, n), end in list(self._held.items()) if end > now]
            for marker in set(self._held) - set(held):
                self._held.pop(marker, None)  # past lock_lifetime: let it expire
            try:
                with self.red.pipeline(transaction=False) as pipe:
                    for conversation_id, number in held:
                        self._renew(
                            keys=[self.key_prefix + conversation_id],
                            args=[number, now, self.lease],
                            client=pipe,
                        )
                    found = pipe.execute()
            except Exception as error:  # Redis away for a moment: try again next beat
                log.warning("could not renew %d lock ticket(s): %r", len(held), error)
                continue
            for marker, live in zip(held, found, strict=True):
                if not live:
                    self._held.pop(marker, None)

    def update_lock(self, conversation_id: str) -> None:
        self._tidy(keys=[self.key_prefix + conversation_id], args=[time.time()])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self._held.pop((conversation_id, ticket_number), None)
        try:
            key = self.key_prefix + conversation_id
            self._release(keys=[key], args=[ticket_number, time.time()])
        except Exception as error:
            # The turn is done and recorded: failing its request now would make the
            # client send it again. The ticket expires by itself (a Redis restart has
            # already forgotten it).
            log.warning("could not return lock ticket %d: %r", ticket_number, error)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def save_lock(self, lock: TicketLock) -> None:  # pragma: no cover - guard
        raise NotImplementedError("tickets change only through the atomic scripts")


class SettingsLockStore(LockStore):
    """``lock_store: type: bot.store.locks.SettingsLockStore`` in endpoints.yml.

    Rasa builds a custom lock store as ``cls(endpoint_config=...)``; this returns the
    store the settings ask for: Redis when ``FRONTLINE_REDIS_URL`` is set, else memory.
    """

    def __new__(cls, endpoint_config: Any = None) -> LockStore:
        return lock_store(get_settings())


def lock_store(settings: Settings) -> LockStore:
    if settings.redis_url:
        return AtomicRedisLockStore(
            url=settings.redis_url,
            lifetime=settings.lock_lifetime,
            poll_interval=settings.lock_poll_interval,
            key_prefix=settings.redis_key_prefix,
            lease=settings.lock_lease,
        )
    return TicketLockStore(
        lifetime=settings.lock_lifetime, poll_interval=settings.lock_poll_interval
    )
