"""Outreach templates and phone configuration (issue 13, part A)

- `email_template`, `sms_template`: templates with Close's tags, private unless shared.
- `unsubscribed_email`, `blocked_phone_number` (+ `blocked_phone_setting`, one row per organization):
  what sending and calling must skip.
- `send_as`, `phone_number` (internal numbers from the fictional 555-01xx range),
  `connected_account`, `dialer_session`.

Revision ID: 24217e0eba41
Revises: d9b3e7a1c5f2
Create Date: 2026-11-30 19:45:20.553478
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from leadbase.db.types import JSONDoc, UTCDateTime

revision = "24217e0eba41"
down_revision = "d9b3e7a1c5f2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocked_phone_number",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_phone_number")),
    )
    op.create_index(
        op.f("ix_blocked_phone_number_organization_id_date_created"),
        "blocked_phone_number",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_index(
        "uq_blocked_phone_number_organization_id_phone",
        "blocked_phone_number",
        ["organization_id", "phone"],
        unique=True,
    )
    op.create_table(
        "blocked_phone_setting",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("reject_anonymous_inbound_calls", sa.Boolean(), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_phone_setting")),
    )
    op.create_index(
        "uq_blocked_phone_setting_organization_id", "blocked_phone_setting", ["organization_id"], unique=True
    )
    op.create_table(
        "connected_account",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=500), nullable=True),
        sa.Column("details", JSONDoc, nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connected_account")),
    )
    op.create_index(
        op.f("ix_connected_account_organization_id_date_created"),
        "connected_account",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_index(
        op.f("ix_connected_account_organization_id_user_id"),
        "connected_account",
        ["organization_id", "user_id"],
        unique=False,
    )
    op.create_table(
        "dialer_session",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("source_value", sa.String(length=255), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("users", JSONDoc, nullable=False),
        sa.Column("caller_id", sa.String(length=32), nullable=True),
        sa.Column("ring_mode", sa.String(length=32), nullable=True),
        sa.Column("music_preference", sa.String(length=32), nullable=True),
        sa.Column("is_user_dependent", sa.Boolean(), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialer_session")),
    )
    op.create_index(
        op.f("ix_dialer_session_organization_id_date_created"),
        "dialer_session",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_index(
        op.f("ix_dialer_session_organization_id_status"),
        "dialer_session",
        ["organization_id", "status"],
        unique=False,
    )
    op.create_table(
        "email_template",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_shared", sa.Boolean(), nullable=False),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column("attachments", JSONDoc, nullable=False),
        sa.Column("cc", JSONDoc, nullable=False),
        sa.Column("bcc", JSONDoc, nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_template")),
    )
    op.create_index(
        op.f("ix_email_template_organization_id_date_created"),
        "email_template",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_table(
        "phone_number",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("is_group_number", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("participants", JSONDoc, nullable=False),
        sa.Column("phone_numbers", JSONDoc, nullable=False),
        sa.Column("forward_to", sa.String(length=32), nullable=True),
        sa.Column("forward_to_enabled", sa.Boolean(), nullable=False),
        sa.Column("voicemail_greeting_url", sa.Text(), nullable=True),
        sa.Column("press_1_to_accept", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("sms_enabled", sa.Boolean(), nullable=False),
        sa.Column("mms_enabled", sa.Boolean(), nullable=False),
        sa.Column("carrier_type", sa.String(length=16), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_number")),
    )
    op.create_index(
        op.f("ix_phone_number_organization_id_date_created"),
        "phone_number",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_index(
        "uq_phone_number_organization_id_number", "phone_number", ["organization_id", "number"], unique=True
    )
    op.create_table(
        "send_as",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("allowing_user_id", sa.String(length=64), nullable=False),
        sa.Column("allowed_user_id", sa.String(length=64), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_as")),
    )
    op.create_index(
        op.f("ix_send_as_organization_id_allowed_user_id"),
        "send_as",
        ["organization_id", "allowed_user_id"],
        unique=False,
    )
    op.create_index(
        "uq_send_as_organization_id_allowing_user_id_allowed_user_id",
        "send_as",
        ["organization_id", "allowing_user_id", "allowed_user_id"],
        unique=True,
    )
    op.create_table(
        "sms_template",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("is_shared", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attachments", JSONDoc, nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_template")),
    )
    op.create_index(
        op.f("ix_sms_template_organization_id_date_created"),
        "sms_template",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_table(
        "unsubscribed_email",
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=500), nullable=False),
        sa.Column("date_created", UTCDateTime(timezone=True), nullable=False),
        sa.Column("date_updated", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unsubscribed_email")),
    )
    op.create_index(
        op.f("ix_unsubscribed_email_organization_id_date_created"),
        "unsubscribed_email",
        ["organization_id", "date_created"],
        unique=False,
    )
    op.create_index(
        "uq_unsubscribed_email_organization_id_email",
        "unsubscribed_email",
        ["organization_id", "email"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_unsubscribed_email_organization_id_email", table_name="unsubscribed_email")
    op.drop_index(op.f("ix_unsubscribed_email_organization_id_date_created"), table_name="unsubscribed_email")
    op.drop_table("unsubscribed_email")
    op.drop_index(op.f("ix_sms_template_organization_id_date_created"), table_name="sms_template")
    op.drop_table("sms_template")
    op.drop_index("uq_send_as_organization_id_allowing_user_id_allowed_user_id", table_name="send_as")
    op.drop_index(op.f("ix_send_as_organization_id_allowed_user_id"), table_name="send_as")
    op.drop_table("send_as")
    op.drop_index("uq_phone_number_organization_id_number", table_name="phone_number")
    op.drop_index(op.f("ix_phone_number_organization_id_date_created"), table_name="phone_number")
    op.drop_table("phone_number")
    op.drop_index(op.f("ix_email_template_organization_id_date_created"), table_name="email_template")
    op.drop_table("email_template")
    op.drop_index(op.f("ix_dialer_session_organization_id_status"), table_name="dialer_session")
    op.drop_index(op.f("ix_dialer_session_organization_id_date_created"), table_name="dialer_session")
    op.drop_table("dialer_session")
    op.drop_index(op.f("ix_connected_account_organization_id_user_id"), table_name="connected_account")
    op.drop_index(op.f("ix_connected_account_organization_id_date_created"), table_name="connected_account")
    op.drop_table("connected_account")
    op.drop_index("uq_blocked_phone_setting_organization_id", table_name="blocked_phone_setting")
    op.drop_table("blocked_phone_setting")
    op.drop_index("uq_blocked_phone_number_organization_id_phone", table_name="blocked_phone_number")
    op.drop_index(
        op.f("ix_blocked_phone_number_organization_id_date_created"), table_name="blocked_phone_number"
    )
    op.drop_table("blocked_phone_number")
