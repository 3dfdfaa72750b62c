"""custom field index statistics and ascending twins

Every single-value custom field index gets its ascending twin (a sort puts rows without a
value last both ways, which one b-tree cannot give); on PostgreSQL also statistics on its
expression (the planner reads none from a partial index), and the tables are analyzed so the
statistics are there at once.

Revision ID: a3c8e6f1d925
Revises: 5e9a1c3b7d24
Create Date: 2026-12-01 04:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.custom_fields.indexes import (
    PREFIX,
    STATISTICS_PREFIX,
    add_statistics,
    sync_organization_indexes,
)

revision = "a3c8e6f1d925"
down_revision = "5e9a1c3b7d24"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    sync_organization_indexes(conn)
    add_statistics(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        twins = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE :p"
    else:
        twins = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE :p ESCAPE '\\'"
    for variant in ("na", "ta"):
        for (name,) in conn.execute(sa.text(twins), {"p": f"{PREFIX}%\\_{variant}\\_%"}).all():
            op.execute(sa.text(f'DROP INDEX "{name}"'))
    if conn.dialect.name != "postgresql":
        return
    statistics = "SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE :p"
    for (name,) in conn.execute(sa.text(statistics), {"p": STATISTICS_PREFIX + "%"}).all():
        op.execute(sa.text(f'DROP STATISTICS "{name}"'))
