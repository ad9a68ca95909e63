"""Two-phase delivery claims: a running turn beats, a finished one is marked done.

Deliveries recorded before this revision were all handled: they are marked done.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database adopted from today's ``create_all`` has the columns already.
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("channel_deliveries")}
    missing = [name for name in ("beat_at", "done_at") if name not in present]
    if missing:
        with op.batch_alter_table("channel_deliveries") as table:
            for name in missing:
                table.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE channel_deliveries SET beat_at = received_at, done_at = received_at "
        "WHERE done_at IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("channel_deliveries") as table:
        table.drop_column("done_at")
        table.drop_column("beat_at")
