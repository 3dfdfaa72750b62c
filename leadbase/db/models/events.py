"""The event log: one row per change, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table

from leadbase.db.models.base import ID, metadata
from leadbase.db.types import BigSerial, JSONDoc, UTCDateTime

event = Table(
    "event",
    metadata,
    # A monotonic sequence gives a total order for cursors even within one microsecond.
    Column("seq", BigSerial, primary_key=True, autoincrement=True),
    Column("id", ID, nullable=False, unique=True),
    Column("organization_id", ID, nullable=False),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
    Column("object_type", String(64), nullable=False),
    Column("object_id", ID, nullable=False),
    Column("lead_id", ID, nullable=True),
    Column("action", String(32), nullable=False),
    Column("user_id", ID, nullable=True),
    Column("api_key_id", ID, nullable=True),
    Column("request_id", ID, nullable=True),
    Column("changed_fields", JSONDoc, nullable=False),
    Column("data", JSONDoc, nullable=True),
    Column("previous_data", JSONDoc, nullable=True),
    Column("meta", JSONDoc, nullable=False),
    Index(None, "organization_id", "seq"),
    Index(None, "organization_id", "object_id", "seq"),
    Index(None, "organization_id", "lead_id", "seq"),
    Index(None, "organization_id", "object_type", "action", "seq"),
    Index(None, "organization_id", "request_id"),
    Index(None, "organization_id", "user_id", "seq"),
)
