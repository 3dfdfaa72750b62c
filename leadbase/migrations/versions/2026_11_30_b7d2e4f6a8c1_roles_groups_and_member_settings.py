"""Custom roles, groups of users, and the settings Close shows on a membership

- `role`: an organization's custom roles (the built-in ones are constants); a change of one
  replaces the organization's `settings_version` (trigger), since every process caches the
  permissions of roles under it.
- `user_group` and `group_member`: named groups of users.
- membership gains the member's settings (`auto_record_calls`, `track_email_opens`, caller id,
  voicemail drop, `may_workflows_impersonate`) and its pinned smart views. Columns are added with
  ALTER TABLE ADD COLUMN, which keeps the membership triggers on SQLite (no table copy).

Revision ID: b7d2e4f6a8c1
Revises: 7b2e4f9c1d35
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from leadbase.db.types import UTCDateTime

revision = "b7d2e4f6a8c1"
down_revision = "7b2e4f9c1d35"
branch_labels = None
depends_on = None

SQLITE_NEW_VERSION = "lower(hex(randomblob(16)))"
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
    ]


def _member_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("auto_record_calls", sa.String(length=16), nullable=False, server_default="unset"),
        sa.Column("track_email_opens", sa.Boolean(), nullable=False, server_default="1"),
        sa.Column("default_caller_id", sa.String(length=64), nullable=True),
        sa.Column("default_caller_id_mode", sa.String(length=16), nullable=False, server_default="auto"),
        sa.Column("hangup_recording_url", sa.String(length=1024), nullable=True),
        sa.Column("may_workflows_impersonate", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("pinned_view_ids", JSON, nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "role",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("permissions", JSON, nullable=False),
        sa.Column("visibility_user_lcf_ids", JSON, nullable=True),
        sa.Column("visibility_user_lcf_behavior", sa.String(length=32), nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_role_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
    )
    op.create_index(op.f("ix_role_organization_id_date_created"), "role", ["organization_id", "date_created"])
    op.create_table(
        "user_group",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_user_group_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_group")),
        sa.UniqueConstraint(
            "organization_id", "name_key", name=op.f("uq_user_group_organization_id_name_key")
        ),
    )
    op.create_table(
        "group_member",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_group_member_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["user_group.id"], name=op.f("fk_group_member_group_id_user_group")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_group_member_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_member")),
        sa.UniqueConstraint(
            "organization_id",
            "group_id",
            "user_id",
            name=op.f("uq_group_member_organization_id_group_id_user_id"),
        ),
    )
    for column in _member_columns():
        op.add_column("membership", column)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER role_settings AFTER INSERT OR UPDATE OR DELETE ON role "
            "FOR EACH ROW EXECUTE FUNCTION leadbase_settings_changed()"
        )
        return
    for event, row in EVENTS:
        op.execute(
            f"CREATE TRIGGER role_settings_{event.lower()} AFTER {event} ON role "
            f"BEGIN UPDATE organization SET settings_version = {SQLITE_NEW_VERSION} "
            f"WHERE id = {row}.organization_id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER role_settings ON role")
    else:
        for event, _ in EVENTS:
            op.execute(f"DROP TRIGGER role_settings_{event.lower()}")
    for column in reversed(_member_columns()):
        op.drop_column("membership", column.name)
    op.drop_table("group_member")
    op.drop_table("user_group")
    op.drop_index(op.f("ix_role_organization_id_date_created"), table_name="role")
    op.drop_table("role")
