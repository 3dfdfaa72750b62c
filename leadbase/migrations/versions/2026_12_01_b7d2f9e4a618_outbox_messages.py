"""outbox messages

What leadbase sent, or tried to send: the captured outbox (/api/leadbase/outbox/) and the
ledger of emails and SMS on their way out.

Revision ID: b7d2f9e4a618
Revises: b5a1c7e2d904
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "b7d2f9e4a618"
down_revision = "b5a1c7e2d904"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column(
            "organization_id",
            sa.String(64),
            sa.ForeignKey(
                "organization.id", ondelete="CASCADE", name="fk_outbox_message_organization_id_organization"
            ),
            nullable=False,
        ),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("activity_id", sa.String(64), nullable=False),
        sa.Column("lead_id", sa.String(64), nullable=True),
        sa.Column("contact_id", sa.String(64), nullable=True),
        sa.Column("user_id", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("transport", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("sender", sa.Text, nullable=True),
        sa.Column("recipients", JSONDoc, nullable=False),
        sa.Column("parties", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("body_text", sa.Text, nullable=True),
        sa.Column("body_html", sa.Text, nullable=True),
        sa.Column("attachments", JSONDoc, nullable=False),
        sa.Column("headers", JSONDoc, nullable=False),
        sa.Column("message_id", sa.String(998), nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_sent", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
    )
    for columns in (
        ["organization_id", "date_created"],
        ["organization_id", "activity_id"],
        ["organization_id", "message_id"],
    ):
        op.create_index(f"ix_outbox_message_{'_'.join(columns)}", "outbox_message", columns)


def downgrade() -> None:
    op.drop_table("outbox_message")
