"""Surge counts in Frontline's database: every replica counts, every monitor reads the same.

Each action server calls :meth:`SurgeCounts.record` after a customer's turn with the
message's topics. One row per topic and counting window takes the message in one atomic
upsert (``INSERT ... ON CONFLICT DO UPDATE``, on SQLite and PostgreSQL alike), so two
replicas counting at once never lose a message. The upsert locks the row until the
transaction ends; the channel and language counts and the redacted examples are
updated under that lock. Topics are locked in sorted order, so two messages with the
same topics never deadlock.

The surge monitor rebuilds the detector from these rows (:meth:`SurgeCounts.state`) and
adds the open window's news (:meth:`SurgeCounts.window`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.crisis.rules import SurgeRules
from bot.crisis.state import SurgeState
from bot.crisis.tally import Counted
from bot.crisis.topics import Topic
from bot.crisis.windows import WindowCount, require_aware, window_start
from bot.faq.redact import redact_text
from bot.store.models import SurgeCountRow

EXAMPLE_CHARS = 300
"""An example is cut to this many characters: evidence, not a transcript."""


@dataclass(frozen=True)
class WindowTally:
    """One topic's stored count in one window, with its evidence.

    Attributes:
        topic: The topic.
        start: The window's start (UTC).
        messages: Customer messages about it in the window.
        angry: How many of them were angry.
        channels: Messages by channel.
        languages: Messages by language (where the caller knew it).
        examples: Up to the rules' ``examples`` of them, redacted, first come first kept.
    """

    topic: Topic
    start: datetime
    messages: int
    angry: int
    channels: Mapping[str, int] = field(default_factory=dict)
    languages: Mapping[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    def since(self, earlier: WindowTally | None) -> Counted:
        """What this count has that ``earlier`` (the same window, read before) had not."""
        if earlier is None:
            return Counted(self.messages, self.angry, self.channels, self.languages, self.examples)
        return Counted(
            messages=self.messages - earlier.messages,
            angry=self.angry - earlier.angry,
            channels=_minus(self.channels, earlier.channels),
            languages=_minus(self.languages, earlier.languages),
            examples=tuple(e for e in self.examples if e not in earlier.examples),
        )


class SurgeCounts:
    """Customer messages per topic and window, on Frontline's database.

    Args:
        sessions: Sessions on Frontline's database.
        rules: The surge rules (``crisis.yml``): the window length and timezone say
            which window a message falls in, ``examples`` how many each keeps.
    """

    def __init__(self, *, sessions: sessionmaker[Session], rules: SurgeRules) -> None:
        self._sessions = sessions
        self.rules = rules

    def record(
        self,
        topics: Sequence[str],
        *,
        at: datetime,
        angry: bool,
        channel: str,
        text: str,
        language: str = "",
        names: Sequence[str] = (),
    ) -> None:
        """Count one customer message in each of its ``topics`` (topic keys such as
        ``faq:refund-status`` or ``keywords:outage``); nothing when it has none.

        ``text`` is kept redacted (``names``: the customer's names, masked too) while
        its window has room for examples.

        Raises:
            ValueError: A topic key is malformed, or ``at`` has no timezone.
        """
        keys = sorted({Topic.parse(key).key for key in topics})
        if not keys:
            return
        require_aware(at)
        start = window_start(at, self.rules)
        example = redact_text(text, names=names).strip()[:EXAMPLE_CHARS]
        with self._sessions.begin() as session:
            for key in keys:
                self._count(session, key, start, at, angry, channel, language, example)

    def first_window(self) -> datetime | None:
        """The start of the oldest stored window: when counting began (None: never)."""
        with self._sessions() as session:
            first: datetime | None = session.scalar(select(func.min(SurgeCountRow.window_start)))
            return first

    def counts(self, *, since: datetime, until: datetime) -> list[WindowCount]:
        """Every stored count of a window starting in ``[since, until)``, oldest first."""
        query = (
            select(
                SurgeCountRow.topic,
                SurgeCountRow.window_start,
                SurgeCountRow.messages,
                SurgeCountRow.angry,
            )
            .where(SurgeCountRow.window_start >= since, SurgeCountRow.window_start < until)
            .order_by(SurgeCountRow.window_start, SurgeCountRow.topic)
        )
        with self._sessions() as session:
            return [
                WindowCount(Topic.parse(topic), start, messages, angry)
                for topic, start, messages, angry in session.execute(query)
            ]

    def window(self, start: datetime) -> list[WindowTally]:
        """Each topic's count in the window starting at ``start``, with its evidence."""
        query = (
            select(SurgeCountRow)
            .where(SurgeCountRow.window_start == start)
            .order_by(SurgeCountRow.topic)
        )
        with self._sessions() as session:
            return [
                WindowTally(
                    topic=Topic.parse(row.topic),
                    start=row.window_start,
                    messages=row.messages,
                    angry=row.angry,
                    channels=dict(row.channels or {}),
                    languages=dict(row.languages or {}),
                    examples=tuple(row.examples or ()),
                )
                for row in session.scalars(query)
            ]

    def state(
        self, *, until: datetime, last_alerts: Mapping[Topic, datetime] | None = None
    ) -> SurgeState:
        """The detector's state for carrying on at ``until`` (a window's start): the counts
        of the windows before it that a baseline from then on reads, when counting began,
        and ``last_alerts`` (each topic's last alert, for its cooldown)."""
        require_aware(until)
        horizon = until - timedelta(weeks=self.rules.baseline_weeks, days=1)
        first = self.first_window()
        return SurgeState(
            since=min(first, until) if first is not None else until,
            counts=tuple(self.counts(since=horizon, until=until)),
            last_alerts=dict(last_alerts or {}),
        )

    def forget_before(self, cutoff: datetime) -> int:
        """Delete the windows that start before ``cutoff``; how many rows went."""
        with self._sessions.begin() as session:
            gone = session.execute(delete(SurgeCountRow).where(SurgeCountRow.window_start < cutoff))
            return int(gone.rowcount or 0)

    def _count(
        self,
        session: Session,
        topic: str,
        start: datetime,
        at: datetime,
        angry: bool,
        channel: str,
        language: str,
        example: str,
    ) -> None:
        insert: Any = _insert_for(session)
        fresh = insert(SurgeCountRow).values(
            topic=topic,
            window_start=start,
            messages=1,
            angry=int(angry),
            channels={},
            languages={},
            examples=[],
            updated_at=at,
        )
        session.execute(
            fresh.on_conflict_do_update(
                index_elements=[SurgeCountRow.topic, SurgeCountRow.window_start],
                set_={
                    "messages": SurgeCountRow.messages + 1,
                    "angry": SurgeCountRow.angry + int(angry),
                    "updated_at": at,
                },
            )
        )
        # The row is ours until commit: read-modify-write of its evidence is safe.
        key = (SurgeCountRow.topic == topic, SurgeCountRow.window_start == start)
        channels, languages, examples = session.execute(
            select(SurgeCountRow.channels, SurgeCountRow.languages, SurgeCountRow.examples).where(
                *key
            )
        ).one()
        changes: dict[str, Any] = {
            "channels": _plus_one(channels, channel),
            "languages": _plus_one(languages, language),
        }
        kept = list(examples or [])
        if example and example not in kept and len(kept) < self.rules.examples:
            changes["examples"] = [*kept, example]
        session.execute(update(SurgeCountRow).where(*key).values(**changes))


def _insert_for(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"surge counts need SQLite or PostgreSQL, not {dialect}")


def _plus_one(counts: Mapping[str, int] | None, name: str) -> dict[str, int]:
    updated = dict(counts or {})
    if name:
        updated[name] = updated.get(name, 0) + 1
    return updated


def _minus(now: Mapping[str, int], before: Mapping[str, int]) -> dict[str, int]:
    return {k: n - before.get(k, 0) for k, n in now.items() if n > before.get(k, 0)}
