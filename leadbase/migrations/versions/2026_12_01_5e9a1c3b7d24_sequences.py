"""sequences and their subscriptions

- `sequence`: a sequence ("Workflow" in Close's app) with its steps in one document, its
  timezone and sending schedule.
- `sequence_subscription`: a contact subscribed to a sequence, with where its run stands.

Revision ID: 5e9a1c3b7d24
Revises: e5a7c9d1b3f2
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "5e9a1c3b7d24"
down_revision = "e5a7c9d1b3f2"
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
        "sequence",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("schedule", JSONDoc, nullable=True),
        sa.Column("allow_manual_enrollment", sa.Boolean(), nullable=False),
        sa.Column("steps", JSONDoc, nullable=False),
        *_audit(),
        sa.PrimaryKeyConstraint("id", name="pk_sequence"),
    )
    op.create_index(
        "ix_sequence_organization_id_date_created", "sequence", ["organization_id", "date_created"]
    )

    op.create_table(
        "sequence_subscription",
        sa.Column("organization_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("sequence_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("lead_id", ID, nullable=False),
        sa.Column("contact_email", sa.String(500), nullable=True),
        sa.Column("sender_account_id", ID, nullable=True),
        sa.Column("sender_name", sa.String(255), nullable=True),
        sa.Column("sender_email", sa.String(500), nullable=True),
        sa.Column("calls_assigned_to", JSONDoc, nullable=False),
        sa.Column("from_phone_number_id", ID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.String(64), nullable=True),
        sa.Column("start_date", UTCDateTime(), nullable=False),
        sa.Column("steps_done", JSONDoc, nullable=False),
        sa.Column("last_step_at", UTCDateTime(), nullable=False),
        sa.Column("next_step_id", ID, nullable=True),
        sa.Column("next_run_at", UTCDateTime(), nullable=True),
        sa.Column("last_email_id", ID, nullable=True),
        sa.Column("job_token", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(
            ["sequence_id"], ["sequence.id"], name="fk_sequence_subscription_sequence_id_sequence"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name="fk_sequence_subscription_contact_id_contact"
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], name="fk_sequence_subscription_lead_id_lead"),
        sa.PrimaryKeyConstraint("id", name="pk_sequence_subscription"),
    )
    op.create_index(
        "ix_sequence_subscription_organization_id_sequence_id_status",
        "sequence_subscription",
        ["organization_id", "sequence_id", "status"],
    )
    op.create_index(
        "ix_sequence_subscription_organization_id_contact_id",
        "sequence_subscription",
        ["organization_id", "contact_id"],
    )
    op.create_index(
        "ix_sequence_subscription_organization_id_lead_id",
        "sequence_subscription",
        ["organization_id", "lead_id"],
    )


def downgrade() -> None:
    for name in ("lead_id", "contact_id", "sequence_id_status"):
        op.drop_index(f"ix_sequence_subscription_organization_id_{name}", table_name="sequence_subscription")
    op.drop_table("sequence_subscription")
    op.drop_index("ix_sequence_organization_id_date_created", table_name="sequence")
    op.drop_table("sequence")
