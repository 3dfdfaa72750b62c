"""Outreach and its configuration: templates, send-as, unsubscribed emails, phone numbers, blocked
numbers, connected accounts and dialer sessions (issue 13)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc

email_template = Table(
    "email_template",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("is_shared", Boolean, nullable=False),
    Column("is_archived", Boolean, nullable=False),
    Column("attachments", JSONDoc, nullable=False),
    # Addresses every email made from the template copies.
    Column("cc", JSONDoc, nullable=False),
    Column("bcc", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

sms_template = Table(
    "sms_template",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("text", Text, nullable=False),
    Column("is_shared", Boolean, nullable=False),
    # "active" or "archived".
    Column("status", String(16), nullable=False),
    Column("attachments", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

unsubscribed_email = Table(
    "unsubscribed_email",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    # Lower-cased: an address is unsubscribed whatever the case it is written in.
    Column("email", String(500), nullable=False),
    *audit_columns(),
    Index("uq_unsubscribed_email_organization_id_email", "organization_id", "email", unique=True),
    Index(None, "organization_id", "date_created"),
)

blocked_phone_number = Table(
    "blocked_phone_number",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("phone", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    *audit_columns(),
    Index("uq_blocked_phone_number_organization_id_phone", "organization_id", "phone", unique=True),
    Index(None, "organization_id", "date_created"),
)

# One row per organization, made by its first PUT /blocked_phone_number/settings/.
blocked_phone_setting = Table(
    "blocked_phone_setting",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("reject_anonymous_inbound_calls", Boolean, nullable=False),
    *audit_columns(),
    Index("uq_blocked_phone_setting_organization_id", "organization_id", unique=True),
)

send_as = Table(
    "send_as",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("allowing_user_id", ID, nullable=False),
    Column("allowed_user_id", ID, nullable=False),
    *audit_columns(),
    Index(
        "uq_send_as_organization_id_allowing_user_id_allowed_user_id",
        "organization_id",
        "allowing_user_id",
        "allowed_user_id",
        unique=True,
    ),
    Index(None, "organization_id", "allowed_user_id"),
)

phone_number = Table(
    "phone_number",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("number", String(32), nullable=False),
    Column("label", String(255), nullable=True),
    Column("type", String(16), nullable=False),
    Column("is_group_number", Boolean, nullable=False),
    Column("user_id", ID, nullable=True),
    Column("participants", JSONDoc, nullable=False),
    Column("phone_numbers", JSONDoc, nullable=False),
    Column("forward_to", String(32), nullable=True),
    Column("forward_to_enabled", Boolean, nullable=False),
    Column("voicemail_greeting_url", Text, nullable=True),
    Column("press_1_to_accept", Boolean, nullable=False),
    Column("country", String(2), nullable=False),
    Column("sms_enabled", Boolean, nullable=False),
    Column("mms_enabled", Boolean, nullable=False),
    Column("carrier_type", String(16), nullable=False),
    *audit_columns(),
    Index("uq_phone_number_organization_id_number", "organization_id", "number", unique=True),
    Index(None, "organization_id", "date_created"),
)

connected_account = Table(
    "connected_account",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    # Close's `_type`: google, custom_email, zoom, microsoft, calendly.
    Column("type", String(32), nullable=False),
    Column("user_id", ID, nullable=False),
    Column("email", String(500), nullable=True),
    # Everything else Close shows (identities, smtp, imap, statuses...), as it was recorded.
    Column("details", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "user_id"),
    Index(None, "organization_id", "date_created"),
)

dialer_session = Table(
    "dialer_session",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("type", String(16), nullable=False),
    Column("status", String(32), nullable=False),
    Column("source_type", String(32), nullable=False),
    Column("source_value", String(255), nullable=True),
    Column("user_id", ID, nullable=True),
    Column("users", JSONDoc, nullable=False),
    Column("caller_id", String(32), nullable=True),
    Column("ring_mode", String(32), nullable=True),
    Column("music_preference", String(32), nullable=True),
    Column("is_user_dependent", Boolean, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "status"),
)
