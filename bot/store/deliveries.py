"""Remembers which platform deliveries were handled, so a redelivery is answered once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import ChannelDelivery


class DeliveryLog:
    """First-delivery check backed by a unique SQL key, with an in-process LRU in front.

    The SQL row makes the check hold across restarts and across replicas sharing a
    database; the LRU saves a round trip for the common case of a quick retry.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        memory: int = 10_000,
        keep: timedelta = timedelta(days=2),
    ) -> None:
        self._sessions = sessions
        self._memory = memory
        self._keep = keep
        self._recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()
        self._claims = 0

    def first_delivery(self, channel: str, key: str) -> bool:
        """Claim ``key`` on ``channel``; True only for the first claim ever made."""
        marker = (channel, key)
        with self._lock:
            if marker in self._recent:
                self._recent.move_to_end(marker)
                return False
            self._recent[marker] = None
            if len(self._recent) > self._memory:
                self._recent.popitem(last=False)
            self._claims += 1
            prune = self._claims % 1000 == 0
        try:
            with self._sessions.begin() as session:
                session.add(ChannelDelivery(channel=channel, key=key))
        except IntegrityError:
            return False
        except Exception:
            # The database is down: nothing was claimed, so the resend must get through.
            self._forget(marker)
            raise
        if prune:
            self.prune()
        return True

    def release(self, channel: str, key: str) -> None:
        """Give up the claim on ``key``: its turn never ran, so a resend must run it."""
        self._forget((channel, key))
        with self._sessions.begin() as session:
            session.execute(
                delete(ChannelDelivery).where(
                    ChannelDelivery.channel == channel, ChannelDelivery.key == key
                )
            )

    def _forget(self, marker: tuple[str, str]) -> None:
        with self._lock:
            self._recent.pop(marker, None)

    def prune(self, *, now: datetime | None = None) -> int:
        """Forget deliveries older than the platforms ever redeliver; returns how many."""
        cutoff = (now or datetime.now(timezone.utc)) - self._keep
        with self._sessions.begin() as session:
            result = session.execute(
                delete(ChannelDelivery).where(ChannelDelivery.received_at < cutoff)
            )
            return int(result.rowcount or 0)
