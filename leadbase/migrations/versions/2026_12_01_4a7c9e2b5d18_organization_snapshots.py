"""organization snapshots

The admin API's snapshots: every tenant row of an organization, compressed, in one row.

Revision ID: 4a7c9e2b5d18
Revises: b7d2f9e4a618
Create Date: 2026-12-01 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import UTCDateTime

revision = "4a7c9e2b5d18"
down_revision = "b7d2f9e4a618"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_snapshot",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_org_snapshot"),
    )
    op.create_index(
        "ix_org_snapshot_organization_id_date_created", "org_snapshot", ["organization_id", "date_created"]
    )


def downgrade() -> None:
    op.drop_index("ix_org_snapshot_organization_id_date_created", table_name="org_snapshot")
    op.drop_table("org_snapshot")
