"""Outcomes of calls and meetings

- `outcome`: an organization's outcomes (`/outcome/`). Notes, calls and meetings keep their own
  attributes in the `activity` row's `payload` document, so the shared table is not changed.

Revision ID: c4e8a2f6b913
Revises: c4e8a1b2d3f5
Create Date: 2026-11-30 17:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import UTCDateTime

revision = "c4e8a2f6b913"
down_revision = "c4e8a1b2d3f5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcome",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome")),
    )
    op.create_index(
        op.f("ix_outcome_organization_id_date_created"), "outcome", ["organization_id", "date_created"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outcome_organization_id_date_created"), table_name="outcome")
    op.drop_table("outcome")
