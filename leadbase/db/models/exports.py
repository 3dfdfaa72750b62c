"""Exports: one row per export a member asked for; the file itself lives in the exports directory."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

export = Table(
    "export",
    metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    # lead (POST /export/lead/) or opportunity (POST /export/opportunity/): the event's object type.
    Column("kind", String(16), nullable=False),
    # leads, contacts, lead_opps (lead exports) or opps (opportunity exports).
    Column("type", String(16), nullable=False),
    Column("format", String(8), nullable=False),
    Column("date_format", String(16), nullable=True),
    Column("fields", JSONDoc, nullable=True),
    # The selection, echoed as given: a search (lead exports) or list filters (opportunity ones).
    Column("s_query", JSONDoc, nullable=True),
    Column("results_limit", Integer, nullable=True),
    Column("sort", JSONDoc, nullable=True),
    Column("params", JSONDoc, nullable=True),
    Column("send_done_email", Boolean, nullable=False),
    Column("include_activities", Boolean, nullable=False),
    Column("include_smart_fields", Boolean, nullable=False),
    # created -> started -> in_progress -> done | error
    Column("status", String(16), nullable=False),
    Column("n_docs", Integer, nullable=True),
    Column("n_docs_processed", Integer, nullable=False),
    # The secret that signs download links (64 hex characters); never shown.
    Column("token", String(64), nullable=False),
    # The file's name inside the exports directory, once written.
    Column("file_name", String(255), nullable=True),
    Column("file_size", BigInteger, nullable=True),
    Column("date_done", UTCDateTime(), nullable=True),
    # After this the file is deleted and its links answer 410.
    Column("expires_at", UTCDateTime(), nullable=True),
    Column("error", Text, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)
