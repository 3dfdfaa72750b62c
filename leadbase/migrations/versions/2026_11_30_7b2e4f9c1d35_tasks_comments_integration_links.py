"""tasks, comments and comment threads, integration links

Integration links are read by every lead rendering: they are kept in the process cache under the
organization's settings version, which a trigger replaces when one changes (as for API keys).

Revision ID: 7b2e4f9c1d35
Revises: b7d2e4f6a810
Create Date: 2026-11-30 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "7b2e4f9c1d35"
down_revision = "b7d2e4f6a810"
branch_labels = None
depends_on = None

ID = sa.String(64)
SQLITE_NEW_VERSION = "lower(hex(randomblob(16)))"
EVENTS = (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("updated_by", ID, nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("lead_id", ID, nullable=True),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("assigned_to", ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("date_only", sa.Boolean(), nullable=False),
        sa.Column("is_dateless", sa.Boolean(), nullable=False),
        sa.Column("is_complete", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.String(20), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.Column("object_type", sa.String(40), nullable=True),
        sa.Column("object_id", ID, nullable=True),
        sa.Column("payload", JSONDoc, nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name="fk_task_lead_id_lead"),
        sa.PrimaryKeyConstraint("id", name="pk_task"),
    )
    op.create_index("ix_task_organization_id_date_created", "task", ["organization_id", "date_created"])
    op.create_index(
        "ix_task_organization_id_lead_id_is_complete", "task", ["organization_id", "lead_id", "is_complete"]
    )
    op.create_index(
        "ix_task_organization_id_assigned_to_is_complete_due_at",
        "task",
        ["organization_id", "assigned_to", "is_complete", "due_at"],
    )
    op.create_index(
        "ix_task_organization_id_is_complete_due_at", "task", ["organization_id", "is_complete", "due_at"]
    )

    op.create_table(
        "comment_thread",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("object_id", ID, nullable=False),
        sa.Column("object_type", sa.String(80), nullable=False),
        sa.Column("lead_id", ID, nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name="fk_comment_thread_lead_id_lead"),
        sa.PrimaryKeyConstraint("id", name="pk_comment_thread"),
    )
    op.create_index(
        "uq_comment_thread_organization_id_object_id",
        "comment_thread",
        ["organization_id", "object_id"],
        unique=True,
    )
    op.create_index(
        "ix_comment_thread_organization_id_date_created",
        "comment_thread",
        ["organization_id", "date_created"],
    )
    op.create_index(
        "ix_comment_thread_organization_id_lead_id", "comment_thread", ["organization_id", "lead_id"]
    )

    op.create_table(
        "comment",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("thread_id", ID, nullable=False),
        sa.Column("lead_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mentions", JSONDoc, nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("removed_by", ID, nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["comment_thread.id"], name="fk_comment_thread_id_comment_thread"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_comment"),
    )
    op.create_index(
        "ix_comment_organization_id_thread_id_date_created",
        "comment",
        ["organization_id", "thread_id", "date_created"],
    )
    op.create_index("ix_comment_organization_id_date_created", "comment", ["organization_id", "date_created"])

    op.create_table(
        "integration_link",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_integration_link"),
    )
    op.create_index(
        "ix_integration_link_organization_id_type_date_created",
        "integration_link",
        ["organization_id", "type", "date_created"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER integration_link_settings AFTER INSERT OR UPDATE OR DELETE ON integration_link "
            "FOR EACH ROW EXECUTE FUNCTION leadbase_settings_changed()"
        )
        return
    for event, row in EVENTS:
        op.execute(
            f"CREATE TRIGGER integration_link_settings_{event.lower()} AFTER {event} ON integration_link "
            f"BEGIN UPDATE organization SET settings_version = {SQLITE_NEW_VERSION} "
            f"WHERE id = {row}.organization_id; END"
        )


def downgrade() -> None:
    op.drop_table("integration_link")
    op.drop_table("comment")
    op.drop_table("comment_thread")
    op.drop_table("task")
