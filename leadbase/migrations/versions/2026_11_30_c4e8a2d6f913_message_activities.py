"""message activities

Emails, email threads, SMS and WhatsApp messages live in the `activity` table like every
activity; these columns hold what their lists and events filter on (direction, the scheduled and
sent dates, an email's thread, a WhatsApp message's external id or a thread's subject). The
rest is in `payload`.

Revision ID: c4e8a2d6f913
Revises: c4e8a2f6b913
Create Date: 2026-11-30 17:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import UTCDateTime

revision = "c4e8a2d6f913"
down_revision = "c4e8a2f6b913"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activity", sa.Column("direction", sa.String(16), nullable=True))
    op.add_column("activity", sa.Column("date_scheduled", UTCDateTime(), nullable=True))
    op.add_column("activity", sa.Column("date_sent", UTCDateTime(), nullable=True))
    op.add_column("activity", sa.Column("thread_id", sa.String(64), nullable=True))
    op.add_column("activity", sa.Column("lookup_key", sa.String(255), nullable=True))
    op.create_index("ix_activity_organization_id_thread_id", "activity", ["organization_id", "thread_id"])
    op.create_index(
        "ix_activity_organization_id_type_lookup_key", "activity", ["organization_id", "type", "lookup_key"]
    )


def downgrade() -> None:
    op.drop_index("ix_activity_organization_id_type_lookup_key", table_name="activity")
    op.drop_index("ix_activity_organization_id_thread_id", table_name="activity")
    for column in ("lookup_key", "thread_id", "date_sent", "date_scheduled", "direction"):
        op.drop_column("activity", column)
