"""Handoff tickets and their transcripts, stored durably (SQLite by default, or PostgreSQL).

A conversation has at most one active ticket (queued, open or claimed); anything
said while it is active is appended to its transcript. Times are stored in UTC.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import TicketMessageRow, TicketRow

ACTIVE = ("queued", "open", "claimed")
CLOSED = ("resolved", "returned")
WITH_PERSON = ("open", "claimed")
AUTHORS = ("customer", "bot", "agent")


class TicketError(ValueError):
    """A ticket operation that does not fit the ticket's state."""


@dataclass(frozen=True)
class TicketMessage:
    at: datetime
    author: str
    text: str
    name: str | None = None


@dataclass(frozen=True)
class Ticket:
    id: str
    sender_id: str
    channel: str
    language: str
    status: str
    created_at: datetime
    due_at: datetime | None
    claimed_by: str | None
    closed_at: datetime | None
    reasons: list[dict[str, Any]]
    sentiment: list[dict[str, Any]]
    profile: dict[str, Any]
    faq_tried: list[dict[str, Any]]
    summary: str
    csat: int | None
    transcript: list[TicketMessage] = field(default_factory=list)
    posted_at: datetime | None = None
    reminded_at: datetime | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None

    @property
    def with_person(self) -> bool:
        """A person has the conversation (open or claimed), so the bot stays silent; a
        queued ticket waits for opening time while the bot goes on answering."""
        return self.status in WITH_PERSON

    @property
    def customer(self) -> str:
        """The customer's name as the platform gave it, else their platform id."""
        return str(
            self.profile.get("display_name") or self.profile.get("user_id") or self.sender_id
        )


class Tickets:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def open(
        self,
        *,
        sender_id: str,
        channel: str,
        language: str,
        reasons: list[dict[str, Any]],
        profile: dict[str, Any],
        transcript: list[TicketMessage],
        sentiment: list[dict[str, Any]] | None = None,
        faq_tried: list[dict[str, Any]] | None = None,
        summary: str = "",
        due_at: datetime | None = None,
    ) -> Ticket:
        """A new ticket with its context, ``queued`` until ``due_at`` if given.

        A conversation that already has an active ticket gets that one back, with the
        new reasons added: a customer is never handed off twice.
        """
        with self._sessions.begin() as session:
            row = self._active_row(session, sender_id)
            if row is not None:
                row.reasons = [*row.reasons, *reasons]
                return self._ticket(session, row)
            row = TicketRow(
                id=str(uuid.uuid4()),
                sender_id=sender_id,
                channel=channel,
                language=language,
                status="queued" if due_at else "open",
                due_at=due_at,
                reasons=reasons,
                sentiment=sentiment or [],
                profile=profile,
                faq_tried=faq_tried or [],
                summary=summary,
            )
            session.add(row)
            session.flush()
            for message in transcript:
                session.add(_message_row(row.id, message))
            return self._ticket(session, row)

    def active_for(self, sender_id: str, *, transcript: bool = True) -> Ticket | None:
        """The conversation's active ticket; ``transcript=False`` skips its messages."""
        with self._sessions() as session:
            row = self._active_row(session, sender_id)
            return None if row is None else self._ticket(session, row, transcript=transcript)

    def latest_closed(self, sender_id: str) -> Ticket | None:
        """The conversation's most recently closed ticket (resolved or returned)."""
        query = (
            select(TicketRow)
            .where(TicketRow.sender_id == sender_id, TicketRow.status.in_(CLOSED))
            .order_by(TicketRow.closed_at.desc())
        )
        with self._sessions() as session:
            row = session.scalars(query).first()
            return None if row is None else self._ticket(session, row, transcript=False)

    def get(self, ticket_id: str) -> Ticket | None:
        with self._sessions() as session:
            row = session.get(TicketRow, ticket_id)
            return None if row is None else self._ticket(session, row)

    def listing(self, statuses: tuple[str, ...] = ACTIVE) -> list[Ticket]:
        """Tickets in ``statuses``, oldest first, without transcripts."""
        query = (
            select(TicketRow).where(TicketRow.status.in_(statuses)).order_by(TicketRow.created_at)
        )
        with self._sessions() as session:
            return [self._ticket(session, row, transcript=False) for row in session.scalars(query)]

    def add_message(self, ticket_id: str, message: TicketMessage) -> None:
        if message.author not in AUTHORS:
            raise TicketError(f"unknown author {message.author!r}")
        with self._sessions.begin() as session:
            if session.get(TicketRow, ticket_id) is None:
                raise TicketError(f"no ticket {ticket_id}")
            session.add(_message_row(ticket_id, message))

    def due(self, now: datetime) -> list[Ticket]:
        """Queued tickets whose opening time has come (for the opening-time announcement)."""
        query = select(TicketRow).where(TicketRow.status == "queued", TicketRow.due_at <= now)
        with self._sessions() as session:
            return [self._ticket(session, row, transcript=False) for row in session.scalars(query)]

    def take_unposted(self, now: datetime) -> list[Ticket]:
        """Open tickets agents have not been shown yet, marked shown as they are taken."""
        return self._take(
            [TicketRow.status == "open", TicketRow.posted_at.is_(None)], posted_at=now
        )

    def take_unclaimed(self, now: datetime, *, after: timedelta) -> list[Ticket]:
        """Open, unclaimed tickets last shown or reminded more than ``after`` ago, marked
        reminded as they are taken; ``reminded_at`` None means this is the first reminder."""
        last_seen = func.coalesce(TicketRow.reminded_at, TicketRow.posted_at)
        where = [
            TicketRow.status == "open",
            TicketRow.posted_at.is_not(None),
            last_seen <= now - after,
        ]
        return self._take(where, reminded_at=now)

    def take_rated(self, now: datetime) -> list[Ticket]:
        """Closed tickets rated since agents were last told, marked told as they are taken."""
        return self._take(
            [TicketRow.csat.is_not(None), TicketRow.rating_shown_at.is_(None)],
            rating_shown_at=now,
        )

    def _take(self, where: list[Any], **marks: Any) -> list[Ticket]:
        """Tickets matching ``where``, each marked with ``marks`` by an update that repeats
        ``where``: of several Rasa replicas polling one database, one takes each ticket.
        They come back as they were before the mark."""
        taken = []
        with self._sessions.begin() as session:
            for row in list(session.scalars(select(TicketRow).where(*where))):
                before = self._ticket(session, row)
                mark = (
                    update(TicketRow)
                    .where(TicketRow.id == row.id, *where)
                    .values(**marks)
                    .execution_options(synchronize_session=False)
                )
                if session.execute(mark).rowcount == 1:
                    taken.append(before)
        return taken

    def set_slack_card(self, ticket_id: str, *, channel: str, ts: str) -> None:
        """Where the ticket's card is in the Slack agent channel."""
        with self._sessions.begin() as session:
            row = session.get(TicketRow, ticket_id)
            if row is None:
                raise TicketError(f"no ticket {ticket_id}")
            row.slack_channel, row.slack_ts = channel, ts

    def by_slack_thread(self, channel: str, ts: str) -> Ticket | None:
        """The ticket whose card starts the thread ``ts`` in ``channel``."""
        query = select(TicketRow).where(
            TicketRow.slack_channel == channel, TicketRow.slack_ts == ts
        )
        with self._sessions() as session:
            row = session.scalars(query).first()
            return None if row is None else self._ticket(session, row)

    def announce(self, ticket_id: str) -> bool:
        """A queued ticket becomes open (at opening time, or when an agent takes it early).

        Returns False when it was not queued any more: another replica or agent
        got there first.
        """
        mark = (
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.status == "queued")
            .values(status="open")
        )
        with self._sessions.begin() as session:
            return bool(session.execute(mark).rowcount == 1)

    def claim(self, ticket_id: str, agent: str) -> None:
        self._move(ticket_id, set(ACTIVE), status="claimed", claimed_by=agent)

    def resolve(self, ticket_id: str, *, returned_to_bot: bool = False) -> None:
        status = "returned" if returned_to_bot else "resolved"
        self._move(ticket_id, set(ACTIVE), status=status, closed_at=datetime.now(timezone.utc))

    def rate(self, ticket_id: str, csat: int) -> None:
        if not 1 <= csat <= 5:
            raise TicketError("a CSAT rating is 1 to 5")
        with self._sessions.begin() as session:
            row = session.get(TicketRow, ticket_id)
            if row is None or row.status in ACTIVE:
                raise TicketError("only a closed ticket can be rated")
            row.csat = csat

    def _move(self, ticket_id: str, allowed: set[str], **changes: Any) -> None:
        with self._sessions.begin() as session:
            row = session.get(TicketRow, ticket_id)
            if row is None:
                raise TicketError(f"no ticket {ticket_id}")
            if row.status not in allowed:
                raise TicketError(f"ticket {ticket_id} is {row.status}")
            for key, value in changes.items():
                setattr(row, key, value)

    @staticmethod
    def _active_row(session: Session, sender_id: str) -> TicketRow | None:
        query = select(TicketRow).where(
            TicketRow.sender_id == sender_id, TicketRow.status.in_(ACTIVE)
        )
        return session.scalars(query).first()

    @staticmethod
    def _ticket(session: Session, row: TicketRow, *, transcript: bool = True) -> Ticket:
        messages: list[TicketMessage] = []
        if transcript:
            query = (
                select(TicketMessageRow)
                .where(TicketMessageRow.ticket_id == row.id)
                .order_by(TicketMessageRow.at, TicketMessageRow.id)
            )
            messages = [
                TicketMessage(at=m.at, author=m.author, text=m.text, name=m.name)
                for m in session.scalars(query)
            ]
        return Ticket(
            id=row.id,
            sender_id=row.sender_id,
            channel=row.channel,
            language=row.language,
            status=row.status,
            created_at=row.created_at,
            due_at=row.due_at,
            claimed_by=row.claimed_by,
            closed_at=row.closed_at,
            reasons=list(row.reasons),
            sentiment=list(row.sentiment),
            profile=dict(row.profile),
            faq_tried=list(row.faq_tried),
            summary=row.summary,
            csat=row.csat,
            transcript=messages,
            posted_at=row.posted_at,
            reminded_at=row.reminded_at,
            slack_channel=row.slack_channel,
            slack_ts=row.slack_ts,
        )


def _message_row(ticket_id: str, message: TicketMessage) -> TicketMessageRow:
    return TicketMessageRow(
        ticket_id=ticket_id,
        at=message.at,
        author=message.author,
        name=message.name,
        text=message.text,
    )
