"""lead source

Leads show `source`, how they came to be: "api" for a request, "import" for `leadbase load`. Leads
made before this revision have none (null). A plain added column: SQLite keeps the table (and its
triggers) as it is.

Revision ID: c4e8a1b2d3f5
Revises: b7d2e4f6a8c1
Create Date: 2026-11-30 17:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4e8a1b2d3f5"
down_revision = "b7d2e4f6a8c1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("lead", sa.Column("source", sa.String(32), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+): no table copy, so the lead's triggers stay.
    op.drop_column("lead", "source")
