"""scheduling links (user and shared, with each member's mapping) and playbooks

- `scheduling_link`: both kinds of link (`type` USER or SHARED), one id prefix as in Close.
- `scheduling_link_map`: a member's mapping of a shared link to one of their links
  or to a URL, one per shared link and member.
- `playbook`: playbooks of calls and meetings, with their outcomes and shared custom fields.

Revision ID: d9b3e7a1c5f2
Revises: c4e8a2f61b93
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "d9b3e7a1c5f2"
down_revision = "c4e8a2f61b93"
branch_labels = None
depends_on = None

ID = sa.String(64)


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("updated_by", ID, nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "scheduling_link",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(255), nullable=True),
        sa.Column("source_type", sa.String(255), nullable=True),
        sa.Column("duration_in_minutes", sa.Integer(), nullable=True),
        sa.Column("oauth_client_id", ID, nullable=True),
        sa.Column("template_tag", sa.String(255), nullable=True),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_scheduling_link"),
        sa.UniqueConstraint(
            "organization_id",
            "oauth_client_id",
            "source_id",
            name="uq_scheduling_link_organization_id_oauth_client_id_source_id",
        ),
        sa.UniqueConstraint(
            "organization_id", "template_tag", name="uq_scheduling_link_organization_id_template_tag"
        ),
    )
    op.create_index(
        "ix_scheduling_link_organization_id_type_user_id_date_created",
        "scheduling_link",
        ["organization_id", "type", "user_id", "date_created"],
    )

    op.create_table(
        "scheduling_link_map",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("shared_link_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("user_link_id", ID, nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["shared_link_id"],
            ["scheduling_link.id"],
            name="fk_scheduling_link_map_shared_link_id_scheduling_link",
        ),
        sa.ForeignKeyConstraint(
            ["user_link_id"],
            ["scheduling_link.id"],
            name="fk_scheduling_link_map_user_link_id_scheduling_link",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_scheduling_link_map"),
        sa.UniqueConstraint(
            "organization_id",
            "shared_link_id",
            "user_id",
            name="uq_scheduling_link_map_organization_id_shared_link_id_user_id",
        ),
    )
    op.create_index(
        "ix_scheduling_link_map_organization_id_user_link_id",
        "scheduling_link_map",
        ["organization_id", "user_link_id"],
    )

    op.create_table(
        "playbook",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("summary_guidance", sa.Text(), nullable=True),
        sa.Column("outcome_ids", JSONDoc, nullable=False),
        sa.Column("custom_field_ids", JSONDoc, nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.Column("archived_by", ID, nullable=True),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_playbook"),
    )
    op.create_index(
        "ix_playbook_organization_id_is_archived_position",
        "playbook",
        ["organization_id", "is_archived", "position"],
    )


def downgrade() -> None:
    op.drop_index("ix_playbook_organization_id_is_archived_position", table_name="playbook")
    op.drop_table("playbook")
    op.drop_index(
        "ix_scheduling_link_map_organization_id_user_link_id",
        table_name="scheduling_link_map",
    )
    op.drop_table("scheduling_link_map")
    op.drop_index(
        "ix_scheduling_link_organization_id_type_user_id_date_created", table_name="scheduling_link"
    )
    op.drop_table("scheduling_link")
