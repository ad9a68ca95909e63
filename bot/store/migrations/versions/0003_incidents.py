"""Incidents, with their updates, audit trail, deliveries, subscribers and linked tickets.

Each conversation's deliveries are unique per incident and kind (statement, update,
follow-up), so replicas racing to send one get one winner.

A database adopted from today's ``create_all`` has these tables already: they are kept.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TABLES = (
    "incidents",
    "incident_updates",
    "incident_audit",
    "incident_deliveries",
    "incident_subscribers",
    "incident_tickets",
)


def _when(at: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(at, sa.DateTime(timezone=True), nullable=nullable)


def _incident() -> sa.Column:
    return sa.Column("incident_id", sa.String(length=36), nullable=False)


def upgrade() -> None:
    existing = (
        set() if op.get_context().as_sql else set(sa.inspect(op.get_bind()).get_table_names())
    )

    def table(name: str, *elements: sa.schema.SchemaItem, indexes: tuple[str, ...] = ()) -> None:
        if name in existing:
            return
        op.create_table(name, *elements)
        for column in indexes:
            op.create_index(f"ix_{name}_{column}", name, [column], unique=False)

    table(
        "incidents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notify", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        _when("created_at"),
        sa.Column("approved_by", sa.String(length=255), nullable=True),
        _when("approved_at", nullable=True),
        sa.Column("resolved_by", sa.String(length=255), nullable=True),
        _when("resolved_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=("status", "topic"),
    )
    table(
        "incident_updates",
        sa.Column("id", sa.String(length=36), nullable=False),
        _incident(),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.Column("by", sa.String(length=255), nullable=False),
        _when("at"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=("incident_id",),
    )
    table(
        "incident_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.String(length=36), nullable=True),
        _when("at"),
        sa.Column("who", sa.String(length=255), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        indexes=("at", "incident_id"),
    )
    table(
        "incident_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        _incident(),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        _when("claimed_at"),
        _when("sent_at", nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "sender_id", "kind", name="uq_incident_delivery"),
    )
    table(
        "incident_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        _incident(),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        _when("at"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "sender_id", name="uq_incident_subscriber"),
    )
    table(
        "incident_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        _incident(),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("by", sa.String(length=255), nullable=False),
        _when("at"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "ticket_id", name="uq_incident_ticket"),
        indexes=("ticket_id",),
    )


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
