"""Incidents stored durably, with their audit trail and what each conversation was sent.

Every Rasa replica and action server may act on the same incident at once, so each thing
that must happen once is a row with a unique key: a statement told to a conversation, an
update or the follow-up claimed for it (``incident_deliveries``), a subscription, a
linked ticket, an alert. The replica whose insert succeeds does it; the others see the
key taken and skip. Status changes are conditional updates, so two agents approving at
once get one approval and one clear refusal. Every change writes an audit entry in the
same transaction: who, what and when.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from bot.crisis.alerts import AlertPayload
from bot.crisis.incident import (
    FOLLOW_UP,
    NOTIFY,
    STATEMENT,
    AuditEntry,
    Delivery,
    Incident,
    IncidentError,
    IncidentUpdate,
    Notify,
    Status,
    UnknownIncident,
    WrongStatus,
    require_languages,
    require_status,
    text_in,
)
from bot.crisis.topics import Topic
from bot.store.models import (
    IncidentAuditRow,
    IncidentDeliveryRow,
    IncidentRow,
    IncidentSubscriberRow,
    IncidentTicketRow,
    IncidentUpdateRow,
    TicketRow,
)

SYSTEM = "frontline"
"""Who sends updates and follow-ups, in the audit."""
STALE_AFTER = timedelta(days=2)
"""An update or follow-up not delivered this long after it was written is old news."""


class Incidents:
    """Incidents on Frontline's database.

    Args:
        sessions: Sessions on Frontline's database.
        languages: The languages customers write in: a statement cannot be approved, nor an
            update or follow-up sent, without a text in each of them.
        default_language: The text a customer gets whose language is not among them.
        clock: The time now (UTC); the time of every audit entry.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        languages: Collection[str],
        default_language: str,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._sessions = sessions
        self.languages = tuple(languages)
        self.default_language = default_language
        self._clock = clock

    # Agents ---------------------------------------------------------------------------

    def open(
        self,
        *,
        title: str,
        topic: str,
        statement: Mapping[str, str],
        by: str,
        notify: Notify = "opted_in",
    ) -> Incident:
        """Declare an incident: a draft whose statement may lack languages until approval.

        Raises:
            IncidentError: An empty title or ``by``, a topic that is not a topic key, an
                unknown ``notify``, or a statement without any text.
        """
        _require_person(by)
        if not title.strip():
            raise IncidentError("an incident needs a title")
        try:
            Topic.parse(topic)
        except ValueError as error:
            raise IncidentError(str(error)) from error
        if notify not in NOTIFY:
            raise IncidentError(f"notify is one of {', '.join(NOTIFY)}, not {notify!r}")
        require_languages("statement", statement, ())
        now = self._clock()
        row = IncidentRow(
            id=uuid.uuid4().hex[:8],
            title=title.strip(),
            topic=topic,
            status="draft",
            notify=notify,
            statement=dict(statement),
            follow_up={},
            created_by=by,
            created_at=now,
        )
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            detail = {"title": row.title, "topic": topic, "statement": row.statement}
            _audit(session, row.id, now, by, "opened", {**detail, "notify": notify})
            return _incident(row)

    def edit_statement(
        self, incident_id: str, statement: Mapping[str, str], *, by: str
    ) -> Incident:
        """Set the draft statement's text in the languages ``statement`` has; the other
        languages keep theirs.

        Raises:
            UnknownIncident, WrongStatus: Not a draft (an approved statement stays as approved).
        """
        _require_person(by)
        require_languages("statement", statement, ())
        with self._sessions.begin() as session:
            row = _row(session, incident_id)
            merged = {**row.statement, **statement}
            _move(session, row, "edit", statement=merged)
            _audit(
                session, incident_id, self._clock(), by, "edited", {"statement": dict(statement)}
            )
            return _incident(row)

    def approve(self, incident_id: str, *, by: str) -> Incident:
        """A person approves the statement: the incident is open and customers are told.

        Raises:
            UnknownIncident, WrongStatus: Not a draft.
            MissingLanguages: The statement lacks a language customers write in.
        """
        _require_person(by)
        now = self._clock()
        with self._sessions.begin() as session:
            row = _row(session, incident_id)
            require_status(incident_id, row.status, "approve")
            require_languages("statement", row.statement, self.languages)
            _move(session, row, "approve", status="open", approved_by=by, approved_at=now)
            _audit(session, incident_id, now, by, "approved", {"statement": dict(row.statement)})
            return _incident(row)

    def link_ticket(self, incident_id: str, ticket_id: str, *, by: str) -> bool:
        """Link a handoff ticket, so agents see it with the incident and its conversation
        gets the updates posted from now on. False when it was linked already.

        Raises:
            UnknownIncident: No such incident or ticket.
            WrongStatus: The incident is resolved.
        """
        _require_person(by)
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                row = _row(session, incident_id)
                require_status(incident_id, row.status, "link")
                if session.get(TicketRow, ticket_id) is None:
                    raise UnknownIncident(f"no ticket {ticket_id}")
                session.add(
                    IncidentTicketRow(incident_id=incident_id, ticket_id=ticket_id, by=by, at=now)
                )
                session.flush()
                _audit(session, incident_id, now, by, "linked", {"ticket": ticket_id})
        except IntegrityError:
            return False
        return True

    def post_update(self, incident_id: str, text: Mapping[str, str], *, by: str) -> IncidentUpdate:
        """An update for every linked and subscribed conversation, sent by the courier.

        Raises:
            UnknownIncident, WrongStatus: Not open.
            MissingLanguages: ``text`` lacks a language customers write in.
        """
        _require_person(by)
        require_languages("update", text, self.languages)
        now = self._clock()
        with self._sessions.begin() as session:
            row = _row(session, incident_id)
            require_status(incident_id, row.status, "update")
            posted = IncidentUpdateRow(
                id=uuid.uuid4().hex[:8], incident_id=incident_id, text=dict(text), by=by, at=now
            )
            session.add(posted)
            _audit(
                session, incident_id, now, by, "update", {"update": posted.id, "text": posted.text}
            )
            return _update(posted)

    def resolve(self, incident_id: str, follow_up: Mapping[str, str], *, by: str) -> Incident:
        """Resolve the incident with the follow-up ``by`` approves; the courier sends it to
        the subscribers (and the linked conversations when its ``notify`` is ``linked``).

        Raises:
            UnknownIncident, WrongStatus: Not open.
            MissingLanguages: ``follow_up`` lacks a language customers write in.
        """
        _require_person(by)
        require_languages("follow-up", follow_up, self.languages)
        now = self._clock()
        with self._sessions.begin() as session:
            row = _row(session, incident_id)
            changes = {"resolved_by": by, "resolved_at": now, "follow_up": dict(follow_up)}
            _move(session, row, "resolve", status="resolved", **changes)
            detail = {"follow_up": dict(follow_up), "notify": row.notify}
            _audit(session, incident_id, now, by, "resolved", detail)
            return _incident(row)

    # Reading --------------------------------------------------------------------------

    def get(self, incident_id: str) -> Incident:
        """Raises :class:`UnknownIncident` when there is none."""
        with self._sessions() as session:
            return _incident(_row(session, incident_id))

    def live(self) -> list[Incident]:
        """The open incidents (approved, not resolved), oldest first."""
        query = select(IncidentRow).where(IncidentRow.status == "open")
        with self._sessions() as session:
            rows = session.scalars(query.order_by(IncidentRow.created_at, IncidentRow.id))
            return [_incident(row) for row in rows]

    def all(self) -> list[Incident]:
        """Every incident, newest first."""
        query = select(IncidentRow).order_by(IncidentRow.created_at.desc(), IncidentRow.id)
        with self._sessions() as session:
            return [_incident(row) for row in session.scalars(query)]

    def updates(self, incident_id: str) -> list[IncidentUpdate]:
        """The incident's updates, oldest first."""
        query = (
            select(IncidentUpdateRow)
            .where(IncidentUpdateRow.incident_id == incident_id)
            .order_by(IncidentUpdateRow.at, IncidentUpdateRow.id)
        )
        with self._sessions() as session:
            _row(session, incident_id)
            return [_update(row) for row in session.scalars(query)]

    def linked_tickets(self, incident_id: str) -> list[str]:
        """The ids of the tickets linked to the incident, in the order they were linked."""
        query = (
            select(IncidentTicketRow.ticket_id)
            .where(IncidentTicketRow.incident_id == incident_id)
            .order_by(IncidentTicketRow.at, IncidentTicketRow.id)
        )
        with self._sessions() as session:
            _row(session, incident_id)
            return list(session.scalars(query))

    def audit(self, incident_id: str) -> list[AuditEntry]:
        """The incident's audit trail, oldest first."""
        query = (
            select(IncidentAuditRow)
            .where(IncidentAuditRow.incident_id == incident_id)
            .order_by(IncidentAuditRow.at, IncidentAuditRow.id)
        )
        with self._sessions() as session:
            _row(session, incident_id)
            return [_entry(row) for row in session.scalars(query)]

    # Customers ------------------------------------------------------------------------

    def told_to(self, sender_id: str) -> frozenset[str]:
        """The incidents whose statement this conversation got already."""
        query = select(IncidentDeliveryRow.incident_id).where(
            IncidentDeliveryRow.sender_id == sender_id, IncidentDeliveryRow.kind == STATEMENT
        )
        with self._sessions() as session:
            return frozenset(session.scalars(query))

    def told(self, incident_id: str, *, sender_id: str, channel: str, language: str) -> bool:
        """Whether to show the conversation the statement now: True once per conversation
        while the incident is open (the first caller on any replica), False afterwards
        and when the incident is not open.

        Raises:
            UnknownIncident: No such incident.
        """
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                if _row(session, incident_id).status != "open":
                    return False
                delivery = IncidentDeliveryRow(
                    incident_id=incident_id,
                    sender_id=sender_id,
                    kind=STATEMENT,
                    channel=channel,
                    language=language,
                    claimed_at=now,
                    sent_at=now,
                )
                session.add(delivery)
                session.flush()
                detail = _conversation(sender_id, channel, language)
                _audit(session, incident_id, now, SYSTEM, "statement_sent", detail)
        except IntegrityError:
            return False
        return True

    def subscribe(self, incident_id: str, *, sender_id: str, channel: str, language: str) -> bool:
        """The customer asks to be told when it is fixed: they get the updates posted from
        now on and the follow-up. False when they had asked already.

        Raises:
            UnknownIncident, WrongStatus: Not open.
        """
        now = self._clock()
        try:
            with self._sessions.begin() as session:
                require_status(incident_id, _row(session, incident_id).status, "subscribe")
                session.add(
                    IncidentSubscriberRow(
                        incident_id=incident_id,
                        sender_id=sender_id,
                        channel=channel,
                        language=language,
                        at=now,
                    )
                )
                session.flush()
                detail = _conversation(sender_id, channel, language)
                _audit(session, incident_id, now, "customer", "subscribed", detail)
        except IntegrityError:
            return False
        return True

    # Delivery -------------------------------------------------------------------------

    def pending(
        self, now: datetime, *, stale_after: timedelta = STALE_AFTER, limit: int | None = None
    ) -> list[Delivery]:
        """Updates and follow-ups owed to conversations and not yet claimed, in the order
        they were written.

        An update goes to the conversations linked or subscribed when it was posted; a
        follow-up to the subscribers, and to the linked conversations too when the
        incident's ``notify`` is ``linked``. A conversation gets each once, in its language
        (the default language's text when the incident has none in it). Texts written more
        than ``stale_after`` before ``now`` are not sent any more.
        """
        since = now - stale_after
        recent = or_(IncidentRow.status == "open", IncidentRow.resolved_at >= since)
        query = select(IncidentRow).where(IncidentRow.approved_at.is_not(None), recent)
        found: list[Delivery] = []
        with self._sessions() as session:
            for row in session.scalars(query.order_by(IncidentRow.created_at, IncidentRow.id)):
                for delivery in self._owed(session, row, since):
                    found.append(delivery)
                    if limit is not None and len(found) >= limit:
                        return found
        return found

    def claim(self, delivery: Delivery) -> bool:
        """Take ``delivery`` for sending: True for exactly one caller across replicas."""
        row = IncidentDeliveryRow(
            incident_id=delivery.incident_id,
            sender_id=delivery.sender_id,
            kind=delivery.kind,
            channel=delivery.channel,
            language=delivery.language,
            claimed_at=self._clock(),
        )
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    def sent(self, delivery: Delivery) -> None:
        """A claimed delivery reached the customer's channel."""
        self._outcome(delivery, "sent", sent_at=self._clock())

    def failed(self, delivery: Delivery, reason: str) -> None:
        """A claimed delivery could not be sent; it stays claimed (it is not sent twice)."""
        self._outcome(delivery, "failed", failure=reason)

    # Alerts ---------------------------------------------------------------------------

    def record_alert(self, alert: AlertPayload, *, at: datetime | None = None) -> bool:
        """Record a surge alert in the audit; False when another replica recorded the same
        alert (topic and window) already, so only one of them tells the agents."""
        key = f"alert:{alert['topic']}:{alert['window_start']}"
        try:
            with self._sessions.begin() as session:
                when = at or self._clock()
                _audit(session, None, when, "detector", "alert", dict(alert), key=key)
        except IntegrityError:
            return False
        return True

    def alerts(self, *, limit: int = 50) -> list[AuditEntry]:
        """The latest surge alerts, newest first."""
        query = (
            select(IncidentAuditRow)
            .where(IncidentAuditRow.what == "alert")
            .order_by(IncidentAuditRow.at.desc(), IncidentAuditRow.id.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [_entry(row) for row in session.scalars(query)]

    # ----------------------------------------------------------------------------------

    def _owed(self, session: Session, incident: IncidentRow, since: datetime) -> Iterator[Delivery]:
        updates = (
            select(IncidentUpdateRow)
            .where(IncidentUpdateRow.incident_id == incident.id, IncidentUpdateRow.at >= since)
            .order_by(IncidentUpdateRow.at, IncidentUpdateRow.id)
        )
        for posted in session.scalars(updates):
            kind = _update(posted).kind
            for who in _recipients(session, incident.id, kind, linked=True, joined_by=posted.at):
                yield self._delivery(incident.id, kind, posted.text, *who)
        if incident.status == "resolved":
            linked = incident.notify == "linked"
            for who in _recipients(session, incident.id, FOLLOW_UP, linked=linked, joined_by=None):
                yield self._delivery(incident.id, FOLLOW_UP, incident.follow_up, *who)

    def _delivery(
        self,
        incident_id: str,
        kind: str,
        texts: Mapping[str, str],
        sender_id: str,
        channel: str,
        language: str,
    ) -> Delivery:
        text = text_in(texts, language, self.default_language)
        return Delivery(incident_id, sender_id, channel, language, kind, text)

    def _outcome(self, delivery: Delivery, outcome: str, **changes: Any) -> None:
        mark = (
            update(IncidentDeliveryRow)
            .where(
                IncidentDeliveryRow.incident_id == delivery.incident_id,
                IncidentDeliveryRow.sender_id == delivery.sender_id,
                IncidentDeliveryRow.kind == delivery.kind,
            )
            .values(**changes)
        )
        detail = {
            **_conversation(delivery.sender_id, delivery.channel, delivery.language),
            "kind": delivery.kind,
        }
        if "failure" in changes:
            detail["failure"] = changes["failure"]
        with self._sessions.begin() as session:
            session.execute(mark)
            what = f"{delivery.what}_{outcome}"
            _audit(session, delivery.incident_id, self._clock(), SYSTEM, what, detail)


def _recipients(
    session: Session, incident_id: str, kind: str, *, linked: bool, joined_by: datetime | None
) -> list[tuple[str, str, str]]:
    """``(sender_id, channel, language)`` of each conversation owed ``kind`` and not
    claimed yet: the subscribers, then (``linked``) the linked tickets' conversations,
    each once; ``joined_by``: only those subscribed or linked by then."""

    def unclaimed(sender_id: Any) -> Any:
        return ~exists().where(
            IncidentDeliveryRow.incident_id == incident_id,
            IncidentDeliveryRow.sender_id == sender_id,
            IncidentDeliveryRow.kind == kind,
        )

    subscriber = IncidentSubscriberRow
    subscribed = select(subscriber.sender_id, subscriber.channel, subscriber.language).where(
        subscriber.incident_id == incident_id, unclaimed(subscriber.sender_id)
    )
    if joined_by is not None:
        subscribed = subscribed.where(subscriber.at <= joined_by)
    found = [tuple(row) for row in session.execute(subscribed.order_by(subscriber.id))]
    if linked:
        link = IncidentTicketRow
        tickets = (
            select(TicketRow.sender_id, TicketRow.channel, TicketRow.language)
            .join(link, link.ticket_id == TicketRow.id)
            .where(link.incident_id == incident_id, unclaimed(TicketRow.sender_id))
        )
        if joined_by is not None:
            tickets = tickets.where(link.at <= joined_by)
        # A conversation handed off twice: its newest ticket says where it is now.
        found += [
            tuple(row) for row in session.execute(tickets.order_by(TicketRow.created_at.desc()))
        ]
    seen: set[str] = set()
    unique = []
    for sender_id, channel, language in found:
        if sender_id not in seen:
            seen.add(sender_id)
            unique.append((sender_id, channel, language))
    return unique


def _require_person(by: str) -> None:
    if not by.strip():
        raise IncidentError("say who does it (--by NAME): the audit records every change")


def _row(session: Session, incident_id: str) -> IncidentRow:
    row = session.get(IncidentRow, incident_id)
    if row is None:
        raise UnknownIncident(f"no incident {incident_id}")
    return row


def _move(session: Session, row: IncidentRow, action: str, **changes: Any) -> None:
    """Change ``row`` if its status still allows ``action``: an update conditional on the
    status it was read with, so of two replicas acting at once only one succeeds."""
    require_status(row.id, row.status, action)
    mark = (
        update(IncidentRow)
        .where(IncidentRow.id == row.id, IncidentRow.status == row.status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if session.execute(mark).rowcount != 1:
        session.refresh(row)
        raise WrongStatus(row.id, row.status, action)
    for key, value in changes.items():
        set_committed_value(row, key, value)  # written already: not dirty


def _audit(
    session: Session,
    incident_id: str | None,
    at: datetime,
    who: str,
    what: str,
    detail: Mapping[str, Any],
    *,
    key: str | None = None,
) -> None:
    row = IncidentAuditRow(
        incident_id=incident_id, at=at, who=who, what=what, detail=dict(detail), key=key
    )
    session.add(row)
    session.flush()


def _conversation(sender_id: str, channel: str, language: str) -> dict[str, str]:
    return {"conversation": sender_id, "channel": channel, "language": language}


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        title=row.title,
        topic=row.topic,
        status=cast(Status, row.status),
        statement=dict(row.statement),
        follow_up=dict(row.follow_up or {}),
        notify=cast(Notify, row.notify),
        created_by=row.created_by,
        created_at=row.created_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
    )


def _update(row: IncidentUpdateRow) -> IncidentUpdate:
    return IncidentUpdate(
        id=row.id, incident_id=row.incident_id, text=dict(row.text), by=row.by, at=row.at
    )


def _entry(row: IncidentAuditRow) -> AuditEntry:
    return AuditEntry(
        at=row.at, who=row.who, what=row.what, detail=dict(row.detail), incident_id=row.incident_id
    )
