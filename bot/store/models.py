"""Tables for Frontline's own data."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

Base = declarative_base()


def _as_utc(value: datetime | None) -> datetime | None:
    """Aware and in UTC; a naive value is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone: without this, an aware Berlin time would be stored as
    its wall-clock reading and come back naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        return _as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return _as_utc(value)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UnansweredQuestion(Base):  # type: ignore[misc,valid-type]
    """A question the knowledge base could not answer, for editors to review."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True)
    asked_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    text = Column(Text, nullable=False)
    language = Column(String(16), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    candidates = Column(JSON, nullable=False, default=list)


class ChannelDelivery(Base):  # type: ignore[misc,valid-type]
    """One platform delivery (a Telegram update, a Slack event), running or handled.

    The unique key makes a redelivery lose the race on every replica, not just this one.
    """

    __tablename__ = "channel_deliveries"
    __table_args__ = (UniqueConstraint("channel", "key", name="uq_channel_delivery"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    key = Column(String(255), nullable=False)
    received_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    # While the turn runs its process beats here; done_at is set when it is over.
    beat_at = Column(DateTime(timezone=True), nullable=True)
    done_at = Column(DateTime(timezone=True), nullable=True)


class ConversationAddress(Base):  # type: ignore[misc,valid-type]
    """Where a conversation's replies go: the channel and the platform's address."""

    __tablename__ = "conversation_addresses"

    sender_id = Column(String(255), primary_key=True)
    channel = Column(String(32), nullable=False)
    address = Column(JSON, nullable=False, default=dict)
    profile = Column(JSON, nullable=False, default=dict)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class ButtonPayload(Base):  # type: ignore[misc,valid-type]
    """A button payload too long for a platform's limit, behind a short token."""

    __tablename__ = "button_payloads"

    token = Column(String(64), primary_key=True)
    payload = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class MissingTranslation(Base):  # type: ignore[misc,valid-type]
    """An FAQ answer a customer needed in a language it is not written in yet."""

    __tablename__ = "missing_translations"

    id = Column(Integer, primary_key=True)
    asked_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    entry_id = Column(String(255), nullable=False)
    language = Column(String(16), nullable=False)
    channel = Column(String(32), nullable=False)


class TicketRow(Base):  # type: ignore[misc,valid-type]
    """A conversation handed to people, with the context package agents work from."""

    __tablename__ = "tickets"

    id = Column(String(36), primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    language = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    due_at = Column(UtcDateTime(), nullable=True)
    claimed_by = Column(String(255), nullable=True)
    closed_at = Column(UtcDateTime(), nullable=True)
    reasons = Column(JSON, nullable=False, default=list)
    sentiment = Column(JSON, nullable=False, default=list)
    profile = Column(JSON, nullable=False, default=dict)
    faq_tried = Column(JSON, nullable=False, default=list)
    summary = Column(Text, nullable=False, default="")
    csat = Column(Integer, nullable=True)
    # When agents were first shown the ticket, and last reminded of it.
    posted_at = Column(UtcDateTime(), nullable=True)
    reminded_at = Column(UtcDateTime(), nullable=True)
    # The ticket's card in the Slack agent channel; agents' thread replies find it by this.
    slack_channel = Column(String(32), nullable=True)
    slack_ts = Column(String(32), nullable=True, index=True)
    # When agents were told the customer's rating (the action server stores it).
    rating_shown_at = Column(UtcDateTime(), nullable=True)


class TicketMessageRow(Base):  # type: ignore[misc,valid-type]
    """One turn of a ticket's transcript: the customer's, the bot's or an agent's."""

    __tablename__ = "ticket_messages"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(String(36), ForeignKey("tickets.id"), nullable=False, index=True)
    at = Column(UtcDateTime(), nullable=False, default=utcnow)
    author = Column(String(16), nullable=False)
    name = Column(String(255), nullable=True)
    text = Column(Text, nullable=False)


class AgentSessionRow(Base):  # type: ignore[misc,valid-type]
    """An agent's inbox login; only a hash of the cookie's token is kept."""

    __tablename__ = "agent_sessions"

    token_hash = Column(String(64), primary_key=True)
    agent = Column(String(255), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    expires_at = Column(UtcDateTime(), nullable=False, index=True)


class OpenButtons(Base):  # type: ignore[misc,valid-type]
    """A sent message whose buttons still work, so a handoff can close them
    (Telegram: chat and message id; Slack: channel, ts, text and blocks)."""

    __tablename__ = "open_buttons"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    ref = Column(JSON, nullable=False)
    sent_at = Column(UtcDateTime, nullable=False, default=utcnow)


class ClickPair(Base):  # type: ignore[misc,valid-type]
    """A customer asked something, the bot asked which entry was meant, they picked one."""

    __tablename__ = "click_pairs"

    id = Column(Integer, primary_key=True)
    clicked_at = Column(UtcDateTime, nullable=False, default=utcnow, index=True)
    text = Column(Text, nullable=False)
    text_key = Column(String(255), nullable=False, index=True)
    language = Column(String(16), nullable=False)
    entry_id = Column(String(255), nullable=False)
    conversation = Column(String(64), nullable=False)  # a hash: counts customers, names none
    status = Column(String(16), nullable=False, default="new")  # new, accepted, dismissed


class TurnResult(Base):  # type: ignore[misc,valid-type]
    """What ``action_turn`` answered to one customer message: a retried call from Rasa
    gets the same answer, and the turn's effects (a ticket...) happen once."""

    __tablename__ = "turn_results"
    __table_args__ = (UniqueConstraint("sender_id", "message_id"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False)
    message_id = Column(String(64), nullable=False)
    claimed_at = Column(UtcDateTime, nullable=False, default=utcnow, index=True)
    response = Column(JSON, nullable=True)  # None while the turn is running


class IncidentRow(Base):  # type: ignore[misc,valid-type]
    """An incident (bot/crisis/incident.py): a draft, open once approved, then resolved."""

    __tablename__ = "incidents"

    id = Column(String(36), primary_key=True)
    title = Column(Text, nullable=False)
    topic = Column(String(255), nullable=False, index=True)
    status = Column(String(16), nullable=False, index=True)
    notify = Column(String(16), nullable=False)
    statement = Column(JSON, nullable=False, default=dict)
    follow_up = Column(JSON, nullable=False, default=dict)
    created_by = Column(String(255), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False)
    approved_by = Column(String(255), nullable=True)
    approved_at = Column(UtcDateTime(), nullable=True)
    resolved_by = Column(String(255), nullable=True)
    resolved_at = Column(UtcDateTime(), nullable=True)


class IncidentUpdateRow(Base):  # type: ignore[misc,valid-type]
    """An update agents posted to an open incident's conversations."""

    __tablename__ = "incident_updates"

    id = Column(String(36), primary_key=True)
    incident_id = Column(String(36), ForeignKey("incidents.id"), nullable=False, index=True)
    text = Column(JSON, nullable=False)
    by = Column(String(255), nullable=False)
    at = Column(UtcDateTime(), nullable=False)


class IncidentAuditRow(Base):  # type: ignore[misc,valid-type]
    """Who did what to an incident, and when; an alert has no incident (yet).

    ``key`` is set where an event must be recorded once however many replicas see it
    (an alert: its topic and window); NULLs never collide.
    """

    __tablename__ = "incident_audit"

    id = Column(Integer, primary_key=True)
    incident_id = Column(String(36), ForeignKey("incidents.id"), nullable=True, index=True)
    at = Column(UtcDateTime(), nullable=False, index=True)
    who = Column(String(255), nullable=False)
    what = Column(String(32), nullable=False)
    detail = Column(JSON, nullable=False, default=dict)
    key = Column(String(255), nullable=True, unique=True)


class IncidentDeliveryRow(Base):  # type: ignore[misc,valid-type]
    """A statement, update or follow-up claimed for one conversation: the unique key lets
    one replica win, so each conversation gets each text once."""

    __tablename__ = "incident_deliveries"
    __table_args__ = (
        UniqueConstraint("incident_id", "sender_id", "kind", name="uq_incident_delivery"),
    )

    id = Column(Integer, primary_key=True)
    incident_id = Column(String(36), ForeignKey("incidents.id"), nullable=False)
    sender_id = Column(String(255), nullable=False)
    kind = Column(String(64), nullable=False)  # statement, update:<id> or follow_up
    channel = Column(String(32), nullable=False)
    language = Column(String(16), nullable=False)
    claimed_at = Column(UtcDateTime(), nullable=False)
    # Set by the sender afterwards; both NULL: the claiming process died while sending.
    sent_at = Column(UtcDateTime(), nullable=True)
    failure = Column(Text, nullable=True)


class IncidentSubscriberRow(Base):  # type: ignore[misc,valid-type]
    """A conversation whose customer asked to be told when the incident is resolved."""

    __tablename__ = "incident_subscribers"
    __table_args__ = (UniqueConstraint("incident_id", "sender_id", name="uq_incident_subscriber"),)

    id = Column(Integer, primary_key=True)
    incident_id = Column(String(36), ForeignKey("incidents.id"), nullable=False)
    sender_id = Column(String(255), nullable=False)
    channel = Column(String(32), nullable=False)
    language = Column(String(16), nullable=False)
    at = Column(UtcDateTime(), nullable=False)


class IncidentTicketRow(Base):  # type: ignore[misc,valid-type]
    """A handoff ticket linked to an incident, so agents see them together."""

    __tablename__ = "incident_tickets"
    __table_args__ = (UniqueConstraint("incident_id", "ticket_id", name="uq_incident_ticket"),)

    id = Column(Integer, primary_key=True)
    incident_id = Column(String(36), ForeignKey("incidents.id"), nullable=False)
    ticket_id = Column(String(36), ForeignKey("tickets.id"), nullable=False, index=True)
    by = Column(String(255), nullable=False)
    at = Column(UtcDateTime(), nullable=False)


class SurgeCountRow(Base):  # type: ignore[misc,valid-type]
    """Customer messages about one topic in one counting window (bot/crisis/windows.py),
    counted by every action server at once: an atomic upsert adds each message, so the
    surge monitor of any Rasa replica reads the same numbers.

    ``channels`` and ``languages`` count the messages by channel and language; ``examples``
    holds a few of them, redacted, as an alert's evidence.
    """

    __tablename__ = "surge_counts"

    topic = Column(String(255), primary_key=True)
    window_start = Column(UtcDateTime(), primary_key=True, index=True)
    messages = Column(Integer, nullable=False)
    angry = Column(Integer, nullable=False)
    channels = Column(JSON, nullable=False, default=dict)
    languages = Column(JSON, nullable=False, default=dict)
    examples = Column(JSON, nullable=False, default=list)
    updated_at = Column(UtcDateTime(), nullable=False)
