"""object counts per organization, kept by triggers

`GET /lead/` answers `total_results`; counting an organization's leads on every page was what a
page cost at a million leads (~90 ms on SQLite). Triggers keep the count in the same
transaction as every insert and delete, whoever writes, in one of 16 rows per organization picked
at random (concurrent writers of one organization rarely wait for each other); the total is
their sum. Existing rows are counted once here.

Revision ID: 8c1f3d7e9a20
Revises: 5e77a1c0b2d4
Create Date: 2026-11-30 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8c1f3d7e9a20"
down_revision = "5e77a1c0b2d4"
branch_labels = None
depends_on = None

COUNTED = ("lead",)
SLOTS = 16

POSTGRES_FUNCTION = f"""
CREATE FUNCTION leadbase_count_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO object_count (organization_id, table_name, slot, n)
        VALUES (NEW.organization_id, TG_TABLE_NAME, floor(random() * {SLOTS})::int, 1)
        ON CONFLICT (organization_id, table_name, slot) DO UPDATE SET n = object_count.n + 1;
    ELSE
        INSERT INTO object_count (organization_id, table_name, slot, n)
        VALUES (OLD.organization_id, TG_TABLE_NAME, floor(random() * {SLOTS})::int, -1)
        ON CONFLICT (organization_id, table_name, slot) DO UPDATE SET n = object_count.n - 1;
    END IF;
    RETURN NULL;
END
$$
"""


def _sqlite_trigger(table: str, event: str) -> str:
    row, delta = ("NEW", "+ 1") if event == "INSERT" else ("OLD", "- 1")
    return (
        f"CREATE TRIGGER {table}_count_{event.lower()} AFTER {event} ON {table} BEGIN "
        "INSERT INTO object_count (organization_id, table_name, slot, n) "
        f"VALUES ({row}.organization_id, '{table}', abs(random()) % {SLOTS}, 0 {delta}) "
        f"ON CONFLICT (organization_id, table_name, slot) DO UPDATE SET n = n {delta}; END"
    )


def upgrade() -> None:
    op.create_table(
        "object_count",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "table_name", "slot", name=op.f("pk_object_count")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(POSTGRES_FUNCTION)
    for table in COUNTED:
        op.execute(
            "INSERT INTO object_count (organization_id, table_name, slot, n) "
            f"SELECT organization_id, '{table}', 0, count(*) FROM {table} GROUP BY organization_id"
        )
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_count AFTER INSERT OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION leadbase_count_rows()"
            )
        else:
            op.execute(_sqlite_trigger(table, "INSERT"))
            op.execute(_sqlite_trigger(table, "DELETE"))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in COUNTED:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_count ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_count_insert")
            op.execute(f"DROP TRIGGER {table}_count_delete")
    if postgres:
        op.execute("DROP FUNCTION leadbase_count_rows()")
    op.drop_table("object_count")
