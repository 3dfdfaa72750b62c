"""jobs and webhooks

The job queue, webhook subscriptions, their deliveries and the dispatcher's place in the event
log (which starts at the log's end: a new server does not deliver its history).

Revision ID: 9d4e6b1a3c57
Revises: 7c2d4e6f8a10
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "9d4e6b1a3c57"
down_revision = "7c2d4e6f8a10"
branch_labels = None
depends_on = None


def _organization(table: str) -> sa.Column[str]:
    return sa.Column(
        "organization_id",
        sa.String(64),
        sa.ForeignKey("organization.id", ondelete="CASCADE", name=f"fk_{table}_organization_id_organization"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column(
            "organization_id",
            sa.String(64),
            sa.ForeignKey("organization.id", ondelete="CASCADE", name="fk_job_organization_id_organization"),
            nullable=True,
        ),
        sa.Column("payload", JSONDoc, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("run_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("claim", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("result", JSONDoc, nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.Column("date_finished", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
    )
    op.create_index("ix_job_status_run_at", "job", ["status", "run_at"])
    op.create_index(
        "ix_job_organization_id_kind_date_created", "job", ["organization_id", "kind", "date_created"]
    )

    op.create_table(
        "webhook_subscription",
        sa.Column("id", sa.String(64), nullable=False),
        _organization("webhook_subscription"),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("events", JSONDoc, nullable=False),
        sa.Column("verify_ssl", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pause_reason", sa.String(32), nullable=True),
        sa.Column("signature_key", sa.String(64), nullable=False),
        sa.Column("latest_error", JSONDoc, nullable=True),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("failing_since", UTCDateTime(), nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscription"),
    )
    op.create_index(
        "ix_webhook_subscription_organization_id_status",
        "webhook_subscription",
        ["organization_id", "status"],
    )
    op.create_index(
        "ix_webhook_subscription_status_organization_id",
        "webhook_subscription",
        ["status", "organization_id"],
    )

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.String(64), nullable=False),
        _organization("webhook_delivery"),
        sa.Column(
            "subscription_id",
            sa.String(64),
            sa.ForeignKey(
                "webhook_subscription.id",
                ondelete="CASCADE",
                name="fk_webhook_delivery_subscription_id_webhook_subscription",
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("claim", sa.String(64), nullable=True),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_response", sa.Text, nullable=True),
        sa.Column("last_duration_ms", sa.Integer, nullable=True),
        sa.Column("sent_timestamp", sa.String(16), nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_delivered", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_delivery"),
    )
    op.create_index(
        "ix_webhook_delivery_subscription_id_event_id",
        "webhook_delivery",
        ["subscription_id", "event_id"],
        unique=True,
    )
    op.create_index(
        "ix_webhook_delivery_status_next_attempt_at", "webhook_delivery", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_delivery_subscription_id_object_id_event_seq",
        "webhook_delivery",
        ["subscription_id", "object_id", "event_seq"],
    )
    op.create_index(
        "ix_webhook_delivery_org_subscription_date",
        "webhook_delivery",
        ["organization_id", "subscription_id", "date_created"],
    )

    op.create_table(
        "webhook_cursor",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("high", sa.BigInteger, nullable=False),
        sa.Column("gaps", JSONDoc, nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_cursor"),
    )
    # The dispatcher starts at the log's end: subscriptions hear of what happens from now on.
    bind = op.get_bind()
    high = bind.execute(sa.text("SELECT COALESCE(MAX(seq), 0) FROM event")).scalar_one()
    cursor = sa.table(
        "webhook_cursor",
        sa.column("id", sa.String),
        sa.column("high", sa.BigInteger),
        sa.column("gaps", JSONDoc),
        sa.column("date_updated", UTCDateTime()),
    )
    op.bulk_insert(cursor, [{"id": "events", "high": high, "gaps": {}, "date_updated": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("webhook_cursor")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_subscription")
    op.drop_table("job")
