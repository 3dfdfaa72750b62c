"""pipelines, opportunity statuses and opportunities; lead status colors

Three tables: `pipeline`, `opportunity_status` (in one pipeline, ordered by `position`, labels
unique in the organization through `label_key`) and `opportunity` (on a lead, in a status; its
expected and annualized values are kept beside the value so that lists sort and total by them).
`lead_status` gains `color`.

Pipelines and opportunity statuses are cached per organization under its settings version, so
the same triggers as lead statuses replace the version whenever they change; so is the
organization's currency (which every opportunity shows), so changing it replaces the version too.
Every existing organization gets what a new one starts with: a "Sales" pipeline with the statuses Active,
Won and Lost.

Revision ID: b7d2e4f6a810
Revises: f1a2b3c4d5e6
Create Date: 2026-11-30 16:20:00
"""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import leadbase.db.types
from leadbase.core.names import name_key

revision = "b7d2e4f6a810"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None

WATCHED = ("pipeline", "opportunity_status")
SQLITE_NEW_VERSION = "lower(hex(randomblob(16)))"
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
BASE62 = string.digits + string.ascii_letters
DEFAULT_STATUSES = (("Active", "active"), ("Won", "won"), ("Lost", "lost"))


def _id(prefix: str, length: int) -> str:
    return prefix + "_" + "".join(secrets.choice(BASE62) for _ in range(length))


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("date_created", leadbase.db.types.UTCDateTime(), nullable=False),
        sa.Column("date_updated", leadbase.db.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
    ]


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("lead_status", sa.Column("color", sa.String(length=64), nullable=True))
    op.create_table(
        "pipeline",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_pipeline"),
    )
    op.create_index(
        "ix_pipeline_organization_id_date_created", "pipeline", ["organization_id", "date_created"]
    )
    op.create_table(
        "opportunity_status",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("label_key", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("pipeline_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["pipeline_id"], ["pipeline.id"], name="fk_opportunity_status_pipeline_id_pipeline"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_opportunity_status"),
    )
    op.create_index(
        "ix_opportunity_status_organization_id_pipeline_id_position",
        "opportunity_status",
        ["organization_id", "pipeline_id", "position"],
    )
    op.create_index(
        "uq_opportunity_status_organization_id_label_key",
        "opportunity_status",
        ["organization_id", "label_key"],
        unique=True,
    )
    op.create_table(
        "opportunity",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("status_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.Column("value_period", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("expected_value", sa.BigInteger(), nullable=True),
        sa.Column("annualized_value", sa.BigInteger(), nullable=True),
        sa.Column("annualized_expected_value", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("date_won", sa.Date(), nullable=True),
        sa.Column("date_lost", leadbase.db.types.UTCDateTime(), nullable=True),
        sa.Column("attachments", _json(), nullable=False),
        sa.Column("custom", _json(), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name="fk_opportunity_lead_id_lead"),
        sa.ForeignKeyConstraint(
            ["status_id"], ["opportunity_status.id"], name="fk_opportunity_status_id_opportunity_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_opportunity"),
    )
    for columns in (
        ["organization_id", "lead_id", "date_created"],
        ["organization_id", "date_created"],
        ["organization_id", "date_updated"],
        ["organization_id", "status_id"],
        ["organization_id", "user_id"],
        ["organization_id", "date_won"],
    ):
        op.create_index("ix_opportunity_" + "_".join(columns), "opportunity", columns)
    _triggers()
    _default_pipelines()


POSTGRES_CURRENCY_FUNCTION = """
CREATE FUNCTION leadbase_currency_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.settings_version := md5(random()::text || clock_timestamp()::text);
    RETURN NEW;
END
$$
"""


def _triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_settings AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION leadbase_settings_changed()"
            )
        op.execute(POSTGRES_CURRENCY_FUNCTION)
        op.execute(
            "CREATE TRIGGER organization_currency_settings BEFORE UPDATE OF currency ON organization "
            "FOR EACH ROW WHEN (NEW.currency IS DISTINCT FROM OLD.currency) "
            "EXECUTE FUNCTION leadbase_currency_changed()"
        )
        return
    op.execute(
        "CREATE TRIGGER organization_currency_settings AFTER UPDATE OF currency ON organization "
        "WHEN NEW.currency IS NOT OLD.currency "
        f"BEGIN UPDATE organization SET settings_version = {SQLITE_NEW_VERSION} WHERE id = NEW.id; END"
    )
    for table in WATCHED:
        for event, row in EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_settings_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN UPDATE organization SET settings_version = {SQLITE_NEW_VERSION} "
                f"WHERE id = {row}.organization_id; END"
            )


def _default_pipelines() -> None:
    bind = op.get_bind()
    organizations = [row[0] for row in bind.execute(sa.text("SELECT id FROM organization"))]
    if not organizations:
        return
    now = datetime.now(UTC)
    pipelines, statuses = [], []
    for organization_id in organizations:
        pipeline_id = _id("pipe", 22)
        pipelines.append({"organization_id": organization_id, "id": pipeline_id, "name": "Sales"})
        for position, (label, kind) in enumerate(DEFAULT_STATUSES):
            statuses.append(
                {
                    "organization_id": organization_id,
                    "id": _id("stat", 43),
                    "label": label,
                    "label_key": name_key(label),
                    "type": kind,
                    "pipeline_id": pipeline_id,
                    "position": position,
                }
            )
    pipeline = sa.table(
        "pipeline",
        *(sa.column(c) for c in ("organization_id", "id", "name")),
        sa.column("date_created", leadbase.db.types.UTCDateTime()),
        sa.column("date_updated", leadbase.db.types.UTCDateTime()),
    )
    status = sa.table(
        "opportunity_status",
        *(sa.column(c) for c in ("organization_id", "id", "label", "label_key", "type", "pipeline_id")),
        sa.column("position"),
        sa.column("date_created", leadbase.db.types.UTCDateTime()),
        sa.column("date_updated", leadbase.db.types.UTCDateTime()),
    )
    bind.execute(
        sa.insert(pipeline),
        [p | {"date_created": now, "date_updated": now} for p in pipelines],
    )
    bind.execute(
        sa.insert(status),
        [s | {"date_created": now, "date_updated": now} for s in statuses],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_settings ON {table}")
        op.execute("DROP TRIGGER organization_currency_settings ON organization")
        op.execute("DROP FUNCTION leadbase_currency_changed()")
    else:
        op.execute("DROP TRIGGER organization_currency_settings")
        for table in WATCHED:
            for event, _ in EVENTS:
                op.execute(f"DROP TRIGGER {table}_settings_{event.lower()}")
    op.drop_table("opportunity")
    op.drop_table("opportunity_status")
    op.drop_table("pipeline")
    # Not a batch copy, which would lose lead_status's triggers (SQLite drops columns since 3.35).
    op.execute("ALTER TABLE lead_status DROP COLUMN color")
