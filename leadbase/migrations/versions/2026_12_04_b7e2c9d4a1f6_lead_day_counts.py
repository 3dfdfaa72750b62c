"""leads counted by status and day of creation, kept by triggers on SQLite

`GET /lead/?status_id=...&date_created__gte=...&date_created__lt=...` answers `total_results`.
Counting the matches walks one index entry per matching lead: at a million leads, a quarter of
one status is tens of thousands of entries, which on SQLite took longer than reading and
rendering the page beside it. `lead_day_count` holds, per organization, status and day (the
first ten characters of SQLite's `date_created` text, a UTC date), how many leads there are, so
such a total reads a row per day and the leads of the range's first and last day
(leadbase/db/day_counts.py).

PostgreSQL gets the table but no triggers: concurrent writers there would queue on the row of
today's default status, and its count over the (organization_id, status_id, date_created) index
already meets the benchmark's figure. SQLite has one writer at a time, so a kept row costs only
its own write.

Revision ID: b7e2c9d4a1f6
Revises: a4d8f1c6e2b7
Create Date: 2026-12-04 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7e2c9d4a1f6"
down_revision = "a4d8f1c6e2b7"
branch_labels = None
depends_on = None

DAY = "substr({row}.date_created, 1, 10)"


def _add(row: str, delta: str) -> str:
    """The statement that adds `delta` to the count of `row`'s organization, status and day."""
    return (
        "INSERT INTO lead_day_count (organization_id, status_id, day, n) "
        f"VALUES ({row}.organization_id, {row}.status_id, {DAY.format(row=row)}, {delta}) "
        f"ON CONFLICT (organization_id, status_id, day) DO UPDATE SET n = n + ({delta});"
    )


TRIGGERS = {
    "lead_day_count_insert": f"AFTER INSERT ON lead BEGIN {_add('NEW', '1')} END",
    "lead_day_count_delete": f"AFTER DELETE ON lead BEGIN {_add('OLD', '-1')} END",
    # A lead that changes status (or, written by hand, its creation day or organization) moves.
    "lead_day_count_update": (
        "AFTER UPDATE OF organization_id, status_id, date_created ON lead "
        "WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.status_id IS NOT NEW.status_id "
        f"OR {DAY.format(row='OLD')} IS NOT {DAY.format(row='NEW')} "
        f"BEGIN {_add('OLD', '-1')} {_add('NEW', '1')} END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "lead_day_count",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("status_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "status_id", "day", name=op.f("pk_lead_day_count")),
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "INSERT INTO lead_day_count (organization_id, status_id, day, n) "
        "SELECT organization_id, status_id, substr(date_created, 1, 10), count(*) FROM lead "
        "GROUP BY organization_id, status_id, substr(date_created, 1, 10)"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("lead_day_count")
