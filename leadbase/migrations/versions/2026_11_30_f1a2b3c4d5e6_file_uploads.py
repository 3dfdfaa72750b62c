"""file uploads

POST /files/upload/ hands out a signed form; the bytes arrive at leadbase's own upload target and
are served at the download URL. This table holds each form and what arrived through it.

Revision ID: f1a2b3c4d5e6
Revises: 5d1c8a7e2f40
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import UTCDateTime

revision = "f1a2b3c4d5e6"
down_revision = "5d1c8a7e2f40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_upload",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "organization_id",
            sa.String(64),
            sa.ForeignKey(
                "organization.id", ondelete="CASCADE", name="fk_file_upload_organization_id_organization"
            ),
            nullable=False,
        ),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(1024), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("upload_expires", UTCDateTime(timezone=True), nullable=False),
        sa.Column("download_expires", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_uploaded", UTCDateTime(timezone=True), nullable=True),
        sa.Column("size", sa.BigInteger, nullable=True),
        sa.Column("etag", sa.String(64), nullable=True),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_file_upload"),
    )
    op.create_index("ix_file_upload_token", "file_upload", ["token"], unique=True)
    op.create_index(
        "ix_file_upload_organization_id_download_expires",
        "file_upload",
        ["organization_id", "download_expires"],
    )


def downgrade() -> None:
    op.drop_table("file_upload")
