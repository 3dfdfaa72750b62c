"""exports

One row per export (POST /export/lead/, /export/opportunity/): what was asked, progress, and the
file written under the exports directory with the secret that signs its download links.

Revision ID: e5a7c3f9b214
Revises: c0a5e1f7b9d2
Create Date: 2026-12-01 00:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "e5a7c3f9b214"
down_revision = "c0a5e1f7b9d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column(
            "organization_id",
            sa.String(64),
            sa.ForeignKey(
                "organization.id", ondelete="CASCADE", name="fk_export_organization_id_organization"
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("date_format", sa.String(16), nullable=True),
        sa.Column("fields", JSONDoc, nullable=True),
        sa.Column("s_query", JSONDoc, nullable=True),
        sa.Column("results_limit", sa.Integer, nullable=True),
        sa.Column("sort", JSONDoc, nullable=True),
        sa.Column("params", JSONDoc, nullable=True),
        sa.Column("send_done_email", sa.Boolean, nullable=False),
        sa.Column("include_activities", sa.Boolean, nullable=False),
        sa.Column("include_smart_fields", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("n_docs", sa.Integer, nullable=True),
        sa.Column("n_docs_processed", sa.Integer, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("file_size", sa.BigInteger, nullable=True),
        sa.Column("date_done", UTCDateTime(), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_export"),
    )
    op.create_index("ix_export_organization_id_date_created", "export", ["organization_id", "date_created"])


def downgrade() -> None:
    op.drop_index("ix_export_organization_id_date_created", table_name="export")
    op.drop_table("export")
