"""Activities of every kind share one table, told apart by `type` (Close's `_type`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, PrimaryKeyConstraint, String, Table

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

# Columns every activity kind has, or that lists filter and sort on, are real columns; what
# only one kind carries (a note's text, a call's duration...) goes in `payload`.
activity = Table(
    "activity",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    # Close's `_type`: "CustomActivity", "Note", "Call", ...
    Column("type", String(40), nullable=False),
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=True),
    Column("contact_id", ID, nullable=True),
    Column("user_id", ID, nullable=True),
    Column("activity_at", UTCDateTime(), nullable=True),
    Column("status", String(32), nullable=True),
    Column("source", String(40), nullable=True),
    Column("pinned_at", UTCDateTime(), nullable=True),
    Column("custom_activity_type_id", ID, ForeignKey("custom_activity_type.id"), nullable=True),
    Column("last_published_at", UTCDateTime(), nullable=True),
    # Messages (emails, SMS, WhatsApp): what their lists and events filter on.
    Column("direction", String(16), nullable=True),
    Column("date_scheduled", UTCDateTime(), nullable=True),
    Column("date_sent", UTCDateTime(), nullable=True),
    # An email's EmailThread (an activity row of type EmailThread, deleted with its emails).
    Column("thread_id", ID, nullable=True),
    # What a kind looks its rows up by: a WhatsApp message's external id, an email thread's
    # normalized subject (the emails of a lead with that subject join the thread).
    Column("lookup_key", String(255), nullable=True),
    # What lists of one type filter by: an opportunity status change's opportunity, a form
    # submission's form.
    Column("opportunity_id", ID, nullable=True),
    Column("form_id", ID, nullable=True),
    Column("payload", JSONDoc, nullable=False),
    Column("custom", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "lead_id", "date_created"),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "type", "date_created"),
    Index(None, "organization_id", "activity_at"),
    Index(None, "organization_id", "custom_activity_type_id", "lead_id"),
    Index(None, "organization_id", "thread_id"),
    Index(None, "organization_id", "type", "lookup_key"),
    Index(None, "organization_id", "opportunity_id"),
)

# Per lead and activity `type`: how many activities it has and when the latest happened (the
# lead's num_calls, last_email_date... smart fields). Kept by triggers on `activity`, in the
# writing transaction, whoever writes (the API, `leadbase load`, SQL): never counted on a read.
lead_activity_count = Table(
    "lead_activity_count",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("lead_id", ID, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(40), nullable=False),
    Column("n", BigInteger, nullable=False),
    Column("last_at", UTCDateTime(), nullable=True),
    PrimaryKeyConstraint("lead_id", "type"),
)
