"""custom field indexes

Every custom field already placed on a kind of object gets the index a new one gets
(custom_fields/indexes.py): an expression index on its value, partial on its organization.

Revision ID: e5a7c9d1b3f2
Revises: 4a7c9e2b5d18
Create Date: 2026-12-01 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.custom_fields.indexes import PREFIX, sync_organization_indexes

revision = "e5a7c9d1b3f2"
down_revision = "4a7c9e2b5d18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sync_organization_indexes(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        catalog = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE :p"
    else:
        catalog = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE :p"
    for (name,) in conn.execute(sa.text(catalog), {"p": PREFIX + "%"}).all():
        op.execute(sa.text(f'DROP INDEX "{name}"'))
