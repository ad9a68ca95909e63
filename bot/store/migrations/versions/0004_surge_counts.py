"""Surge counts: customer messages per topic and counting window, shared by every replica.

A database adopted from today's ``create_all`` has the table already: it is kept.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not op.get_context().as_sql and sa.inspect(op.get_bind()).has_table("surge_counts"):
        return
    op.create_table(
        "surge_counts",
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("angry", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("topic", "window_start"),
    )
    op.create_index("ix_surge_counts_window_start", "surge_counts", ["window_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_surge_counts_window_start", table_name="surge_counts")
    op.drop_table("surge_counts")
