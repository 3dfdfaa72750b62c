"""smart views

Close's saved searches (`/saved_search/`): a named Advanced Filtering query, shared with the
organization or kept by its owner, usable wherever a query or a smart view id is accepted.

Revision ID: 9d3e5f7a1b24
Revises: 24217e0eba41
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from leadbase.db.types import UTCDateTime

revision = "9d3e5f7a1b24"
down_revision = "24217e0eba41"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("s_query", JSON, nullable=True),
        sa.Column("query", sa.Text, nullable=True),
        sa.Column("is_shared", sa.Boolean, nullable=False),
        sa.Column("shared_with", JSON, nullable=True),
        sa.Column("selected_fields", JSON, nullable=True),
        sa.Column("is_user_dependent", sa.Boolean, nullable=False),
        sa.Column("user_id", sa.String(64), nullable=True),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_saved_search"),
    )
    op.create_index(
        "ix_saved_search_organization_id_type_date_created",
        "saved_search",
        ["organization_id", "type", "date_created"],
    )
    op.create_index("ix_saved_search_organization_id_user_id", "saved_search", ["organization_id", "user_id"])


def downgrade() -> None:
    op.drop_table("saved_search")
