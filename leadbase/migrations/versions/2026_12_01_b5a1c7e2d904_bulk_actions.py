"""bulk actions

One table for every kind of bulk action (delete, edit, email, sequence subscription) and the
leads each one selected, in processing order.

Revision ID: b5a1c7e2d904
Revises: e5a7c3f9b214
Create Date: 2026-12-01 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "b5a1c7e2d904"
down_revision = "e5a7c3f9b214"
branch_labels = None
depends_on = None

ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "bulk_action",
        sa.Column("id", ID, nullable=False),
        sa.Column(
            "organization_id",
            ID,
            sa.ForeignKey(
                "organization.id", ondelete="CASCADE", name="fk_bulk_action_organization_id_organization"
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("s_query", JSONDoc, nullable=True),
        sa.Column("query", sa.Text, nullable=True),
        sa.Column("results_limit", sa.Integer, nullable=True),
        sa.Column("sort", JSONDoc, nullable=True),
        sa.Column("send_done_email", sa.Boolean, nullable=False),
        sa.Column("n_leads", sa.Integer, nullable=True),
        sa.Column("n_leads_processed", sa.Integer, nullable=False),
        sa.Column("n_objects", sa.Integer, nullable=True),
        sa.Column("n_objects_processed", sa.Integer, nullable=False),
        sa.Column("n_objects_skipped", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("type", sa.String(64), nullable=True),
        sa.Column("lead_status_id", ID, nullable=True),
        sa.Column("custom_field_id", ID, nullable=True),
        sa.Column("custom_field_name", sa.Text, nullable=True),
        sa.Column("custom_field_value", JSONDoc, nullable=True),
        sa.Column("custom_field_operation", sa.String(16), nullable=True),
        sa.Column("template_id", ID, nullable=True),
        sa.Column("contact_preference", sa.String(16), nullable=True),
        sa.Column("sender", sa.Text, nullable=True),
        sa.Column("email_account_id", ID, nullable=True),
        sa.Column("bulk_object_type", sa.String(32), nullable=True),
        sa.Column("action_type", sa.String(32), nullable=True),
        sa.Column("sequence_id", ID, nullable=True),
        sa.Column("sender_account_id", ID, nullable=True),
        sa.Column("sender_name", sa.Text, nullable=True),
        sa.Column("sender_email", sa.Text, nullable=True),
        sa.Column("calls_assigned_to", JSONDoc, nullable=True),
        sa.Column("from_phone_number_id", ID, nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("updated_by", ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bulk_action"),
    )
    op.create_index(
        "ix_bulk_action_organization_id_kind_date_created",
        "bulk_action",
        ["organization_id", "kind", "date_created"],
    )
    op.create_table(
        "bulk_action_lead",
        sa.Column(
            "bulk_action_id",
            ID,
            sa.ForeignKey(
                "bulk_action.id", ondelete="CASCADE", name="fk_bulk_action_lead_bulk_action_id_bulk_action"
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("lead_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("bulk_action_id", "position", name="pk_bulk_action_lead"),
    )


def downgrade() -> None:
    op.drop_table("bulk_action_lead")
    op.drop_index("ix_bulk_action_organization_id_kind_date_created", table_name="bulk_action")
    op.drop_table("bulk_action")
