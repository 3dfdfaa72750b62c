"""automatic activities: their filter columns, and per-lead activity counts kept by triggers

The activities leadbase records itself add two columns to `activity` (an opportunity status
change's `opportunity_id`, a form submission's `form_id`: lists filter by them). The lead's smart
fields (num_calls, last_email_date...) read `lead_activity_count`, one row per lead and activity
type, kept by triggers in the writing transaction whoever writes; a lead's activities are
counted once here. On SQLite, a later batch copy of `activity` drops these triggers: re-create
them (`create_triggers`).

Revision ID: c4e8a2f61b93
Revises: c4e8a2d6f913
Create Date: 2026-11-30 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import leadbase.db.types

revision = "c4e8a2f61b93"
down_revision = "c4e8a2d6f913"
branch_labels = None
depends_on = None


def _latest(row: str) -> str:
    return (
        "(SELECT max(activity_at) FROM activity "
        f"WHERE organization_id = {row}.organization_id AND lead_id = {row}.lead_id AND type = {row}.type)"
    )


def _add(row: str, table_prefix: str) -> str:
    return (
        "INSERT INTO lead_activity_count (organization_id, lead_id, type, n, last_at) "
        f"VALUES ({row}.organization_id, {row}.lead_id, {row}.type, 1, {row}.activity_at) "
        f"ON CONFLICT (lead_id, type) DO UPDATE SET n = {table_prefix}n + 1, last_at = {_latest(row)}"
    )


def _take(row: str) -> str:
    return (
        f"UPDATE lead_activity_count SET n = n - 1, last_at = {_latest(row)} "
        f"WHERE lead_id = {row}.lead_id AND type = {row}.type"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION leadbase_count_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.lead_id IS NOT NULL THEN
        {_take("OLD")};
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.lead_id IS NOT NULL THEN
        {_add("NEW", "lead_activity_count.")};
    END IF;
    RETURN NULL;
END
$$
"""

SQLITE_TRIGGERS = (
    "CREATE TRIGGER activity_count_insert AFTER INSERT ON activity WHEN NEW.lead_id IS NOT NULL "
    f"BEGIN {_add('NEW', '')}; END",
    "CREATE TRIGGER activity_count_delete AFTER DELETE ON activity WHEN OLD.lead_id IS NOT NULL "
    f"BEGIN {_take('OLD')}; END",
    "CREATE TRIGGER activity_count_update_old AFTER UPDATE OF lead_id, type, activity_at ON activity "
    f"WHEN OLD.lead_id IS NOT NULL BEGIN {_take('OLD')}; END",
    "CREATE TRIGGER activity_count_update_new AFTER UPDATE OF lead_id, type, activity_at ON activity "
    f"WHEN NEW.lead_id IS NOT NULL BEGIN {_add('NEW', '')}; END",
)


def create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER activity_count AFTER INSERT OR DELETE OR UPDATE OF lead_id, type, activity_at "
            "ON activity FOR EACH ROW EXECUTE FUNCTION leadbase_count_activities()"
        )
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def upgrade() -> None:
    op.add_column("activity", sa.Column("opportunity_id", sa.String(length=64), nullable=True))
    op.add_column("activity", sa.Column("form_id", sa.String(length=64), nullable=True))
    op.create_index(
        op.f("ix_activity_organization_id_opportunity_id"), "activity", ["organization_id", "opportunity_id"]
    )
    op.create_table(
        "lead_activity_count",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("last_at", leadbase.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["lead.id"],
            name=op.f("fk_lead_activity_count_lead_id_lead"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lead_id", "type", name=op.f("pk_lead_activity_count")),
    )
    op.execute(
        "INSERT INTO lead_activity_count (organization_id, lead_id, type, n, last_at) "
        "SELECT organization_id, lead_id, type, count(*), max(activity_at) FROM activity "
        "WHERE lead_id IS NOT NULL GROUP BY organization_id, lead_id, type"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
    create_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER activity_count ON activity")
        op.execute("DROP FUNCTION leadbase_count_activities()")
    else:
        for name in ("insert", "delete", "update_old", "update_new"):
            op.execute(f"DROP TRIGGER activity_count_{name}")
    op.drop_table("lead_activity_count")
    op.drop_index(op.f("ix_activity_organization_id_opportunity_id"), table_name="activity")
    op.drop_column("activity", "form_id")
    op.drop_column("activity", "opportunity_id")
