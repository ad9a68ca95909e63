"""Frontline's tables as ``Base.metadata.create_all`` made them before migrations.

A database made by ``create_all`` is adopted, not rebuilt: tables already there are
kept with their rows, and only the missing ones are created (an older Frontline
made fewer tables).

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = (
    "agent_sessions",
    "button_payloads",
    "channel_deliveries",
    "click_pairs",
    "conversation_addresses",
    "missing_translations",
    "open_buttons",
    "tickets",
    "ticket_messages",
    "turn_results",
    "unanswered_questions",
)


def _when(at: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(at, sa.DateTime(timezone=True), nullable=nullable)


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
        "agent_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("agent", sa.String(length=255), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        sa.PrimaryKeyConstraint("token_hash"),
        indexes=("expires_at",),
    )
    table(
        "button_payloads",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("token"),
    )
    table(
        "channel_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        _when("received_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "key", name="uq_channel_delivery"),
        indexes=("received_at",),
    )
    table(
        "click_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("clicked_at"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.String(length=255), nullable=False),
        sa.Column("conversation", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=("clicked_at", "text_key"),
    )
    table(
        "conversation_addresses",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    table(
        "missing_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("asked_at"),
        sa.Column("entry_id", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=("asked_at",),
    )
    table(
        "open_buttons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.JSON(), nullable=False),
        _when("sent_at"),
        sa.PrimaryKeyConstraint("id"),
        indexes=("sender_id",),
    )
    table(
        "tickets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("created_at"),
        _when("due_at", nullable=True),
        sa.Column("claimed_by", sa.String(length=255), nullable=True),
        _when("closed_at", nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.JSON(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("faq_tried", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("csat", sa.Integer(), nullable=True),
        _when("posted_at", nullable=True),
        _when("reminded_at", nullable=True),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        _when("rating_shown_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        indexes=("sender_id", "slack_ts", "status"),
    )
    table(
        "ticket_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        _when("at"),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=("ticket_id",),
    )
    table(
        "turn_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        _when("claimed_at"),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "message_id"),
        indexes=("claimed_at",),
    )
    table(
        "unanswered_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("asked_at"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        indexes=("asked_at",),
    )


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
