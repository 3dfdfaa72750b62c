"""server secrets

The server's own secrets, such as the key that signs the console's session cookies when the
operator set none: generated once, shared by every process on the database.

Revision ID: c0a5e1f7b9d2
Revises: 9d4e6b1a3c57
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import UTCDateTime

revision = "c0a5e1f7b9d2"
down_revision = "9d4e6b1a3c57"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_secret",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_server_secret"),
    )


def downgrade() -> None:
    op.drop_table("server_secret")
