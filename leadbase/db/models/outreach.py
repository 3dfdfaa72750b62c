"""Outreach and its configuration: templates, send-as, unsubscribed emails, phone numbers, blocked
numbers, connected accounts and dialer sessions (issue 13)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

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

# What leadbase sent (or tried to), one row per attempt: the captured outbox that tests read
# through /api/leadbase/outbox/, and the ledger that tells a message being sent over SMTP
# (`sending`) from one still waiting in Close's `outbox`. Not a Close object: no events.
outbox_message = Table(
    "outbox_message",
    metadata,
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    Column("id", ID, primary_key=True),
    # No foreign key: the record of what went out outlives the activity's deletion.
    Column("activity_id", ID, nullable=False),
    Column("lead_id", ID, nullable=True),
    Column("contact_id", ID, nullable=True),
    Column("user_id", ID, nullable=True),
    # "email" or "sms"; "captured" (kept here only) or "smtp"; sending -> sent | error.
    Column("channel", String(8), nullable=False),
    Column("transport", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text, nullable=True),
    # An email's From, an SMS's local number.
    Column("sender", Text, nullable=True),
    # {"to": [...], "cc": [...], "bcc": [...]}; an SMS's remote number is its one `to`.
    Column("recipients", JSONDoc, nullable=False),
    # Every address and number of the message, lower-cased, space-separated and space-padded,
    # so `?address=` is one LIKE on both databases.
    Column("parties", Text, nullable=False),
    Column("subject", Text, nullable=True),
    Column("body_text", Text, nullable=True),
    Column("body_html", Text, nullable=True),
    Column("attachments", JSONDoc, nullable=False),
    Column("headers", JSONDoc, nullable=False),
    # The RFC 5322 Message-ID an email went out with (replies name it in In-Reply-To).
    Column("message_id", String(998), nullable=True),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_sent", UTCDateTime(), nullable=True),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "activity_id"),
    Index(None, "organization_id", "message_id"),
)
