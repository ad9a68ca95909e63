"""Remembers which platform deliveries were handled, so a redelivery is answered once.

A claim has two phases. Claiming a delivery marks it *running*; the claimant beats
on the row while its turn runs and marks it *done* when the turn is over. A resend
of a done delivery is dropped. A resend of a running one waits: it is dropped if the
first run finishes, and it takes the claim over if the claimant stops beating (its
process died mid-turn), so that a replica killed with a message in hand costs the
customer nothing.
"""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import ChannelDelivery

#: How often a running claim proves its process is alive.
BEAT_EVERY = timedelta(seconds=3)
#: A running claim whose last beat is older than this was abandoned by a dead process.
STALE_AFTER = timedelta(seconds=12)


class Claim(enum.Enum):
    """What a delivery's claimant must do."""

    RUN = "run"  # first delivery: run the turn
    TAKEN = "taken"  # a dead claimant's: run the turn unless it was saved before it died
    DONE = "done"  # already answered: drop the resend
    RUNNING = "running"  # a live process is running it: wait and ask again


class DeliveryLog:
    """Two-phase delivery claims behind a unique SQL key, with an in-process LRU in front.

    The SQL row makes the check hold across restarts and across replicas sharing a
    database; the LRU of finished deliveries saves a round trip for a quick retry.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        memory: int = 10_000,
        keep: timedelta = timedelta(days=2),
        stale_after: timedelta = STALE_AFTER,
    ) -> None:
        self._sessions = sessions
        self._memory = memory
        self._keep = keep
        self._stale_after = stale_after
        self._done: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        self._claims = 0

    def claim(self, channel: str, key: str, *, now: datetime | None = None) -> Claim:
        """Claim ``key`` on ``channel`` for a run; see :class:`Claim` for the answers.

        Raises the database's error when it is down: nothing was claimed, so the
        platform's or the client's resend must get through.
        """
        marker = (channel, key)
        with self._lock:
            if marker in self._done:
                self._done.move_to_end(marker)
                return Claim.DONE
            self._claims += 1
            prune = self._claims % 1000 == 0
        now = now or datetime.now(timezone.utc)
        try:
            with self._sessions.begin() as session:
                session.add(ChannelDelivery(channel=channel, key=key, received_at=now, beat_at=now))
        except IntegrityError:
            return self._contend(channel, key, now)
        if prune:
            self.prune(now=now)
        return Claim.RUN

    def _contend(self, channel: str, key: str, now: datetime) -> Claim:
        where = (ChannelDelivery.channel == channel, ChannelDelivery.key == key)
        with self._sessions.begin() as session:
            row = session.execute(
                select(ChannelDelivery.done_at, ChannelDelivery.beat_at).where(*where)
            ).one_or_none()
            if row is None:  # released meanwhile: claim it afresh
                return self.claim(channel, key, now=now)
            if row.done_at is not None:
                self._remember_done((channel, key))
                return Claim.DONE
            # Take over a claim whose process stopped beating; one taker wins the update.
            taken = session.execute(
                update(ChannelDelivery)
                .where(
                    *where,
                    ChannelDelivery.done_at.is_(None),
                    ChannelDelivery.beat_at < now - self._stale_after,
                )
                .values(beat_at=now)
                .execution_options(synchronize_session=False)
            )
            return Claim.TAKEN if taken.rowcount == 1 else Claim.RUNNING

    def recheck(self, channel: str, key: str, *, now: datetime | None = None) -> Claim:
        """Ask again about a delivery found running: finished, abandoned, or still running."""
        marker = (channel, key)
        with self._lock:
            if marker in self._done:
                return Claim.DONE
        return self._contend(channel, key, now or datetime.now(timezone.utc))

    def beat(self, channel: str, key: str, *, now: datetime | None = None) -> None:
        """Prove that the turn of ``key`` is still running in a live process."""
        self._set(channel, key, beat_at=now or datetime.now(timezone.utc))

    def finish(self, channel: str, key: str, *, now: datetime | None = None) -> None:
        """The turn of ``key`` is over: every resend from now on is dropped."""
        self._set(channel, key, done_at=now or datetime.now(timezone.utc))
        self._remember_done((channel, key))

    def first_delivery(self, channel: str, key: str) -> bool:
        """Claim and finish at once, for deliveries whose handling cannot be resumed."""
        if self.claim(channel, key) not in (Claim.RUN, Claim.TAKEN):
            return False
        self.finish(channel, key)
        return True

    def release(self, channel: str, key: str) -> None:
        """Give up the claim on ``key``: its turn never ran, so a resend must run it."""
        with self._lock:
            self._done.pop((channel, key), None)
        with self._sessions.begin() as session:
            session.execute(
                delete(ChannelDelivery).where(
                    ChannelDelivery.channel == channel, ChannelDelivery.key == key
                )
            )

    def _set(self, channel: str, key: str, **values: datetime) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(ChannelDelivery)
                .where(ChannelDelivery.channel == channel, ChannelDelivery.key == key)
                .values(**values)
                .execution_options(synchronize_session=False)
            )

    def _remember_done(self, marker: tuple[str, str]) -> None:
        with self._lock:
            self._done[marker] = None
            if len(self._done) > self._memory:
                self._done.popitem(last=False)

    def prune(self, *, now: datetime | None = None) -> int:
        """Forget deliveries older than the platforms ever redeliver; returns how many."""
        cutoff = (now or datetime.now(timezone.utc)) - self._keep
        with self._sessions.begin() as session:
            result = session.execute(
                delete(ChannelDelivery).where(ChannelDelivery.received_at < cutoff)
            )
            return int(result.rowcount or 0)
