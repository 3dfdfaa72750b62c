"""Work around leads: tasks, comments and their threads, integration links."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

task = Table(
    "task",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    # Close's `_type`: lead, outgoing_call, incoming_email, missed_call...
    Column("type", String(40), nullable=False),
    # System tasks (an incoming email from nobody's lead) may have no lead.
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=True),
    Column("contact_id", ID, nullable=True),
    Column("assigned_to", ID, nullable=True),
    Column("text", Text, nullable=True),
    # When the task is due: a date-only task holds its date's midnight, UTC, and date_only.
    Column("due_at", UTCDateTime(), nullable=False),
    Column("date_only", Boolean, nullable=False),
    Column("is_dateless", Boolean, nullable=False),
    Column("is_complete", Boolean, nullable=False),
    Column("priority", String(20), nullable=True),
    Column("resolution", String(20), nullable=True),
    # What the task is about or became (the TaskCompleted activity of a completed lead task).
    Column("object_type", String(40), nullable=True),
    Column("object_id", ID, nullable=True),
    # The fields of one type only (an incoming email's subject, a voicemail's URL...).
    Column("payload", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "lead_id", "is_complete"),
    Index(None, "organization_id", "assigned_to", "is_complete", "due_at"),
    Index(None, "organization_id", "is_complete", "due_at"),
)

comment_thread = Table(
    "comment_thread",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    # The commented object, of any commentable resource, and its event-log object type.
    Column("object_id", ID, nullable=False),
    Column("object_type", String(80), nullable=False),
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=True),
    *audit_columns(),
    # One thread per object: a second first comment racing the first joins its thread.
    Index("uq_comment_thread_organization_id_object_id", "organization_id", "object_id", unique=True),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "lead_id"),
)

comment = Table(
    "comment",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("thread_id", ID, ForeignKey("comment_thread.id"), nullable=False),
    Column("lead_id", ID, nullable=True),
    Column("body", Text, nullable=False),
    Column("mentions", JSONDoc, nullable=False),
    Column("removed_at", UTCDateTime(), nullable=True),
    Column("removed_by", ID, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "thread_id", "date_created"),
    Index(None, "organization_id", "date_created"),
)

integration_link = Table(
    "integration_link",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=False),
    Column("url", Text, nullable=False),
    # lead, contact or opportunity: the pages (and representations) that show the link.
    Column("type", String(20), nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
    *audit_columns(),
    Index(None, "organization_id", "type", "date_created"),
)
