"""Leads, their contacts, and lead statuses."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc

lead_status = Table(
    "lead_status",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("label", String(255), nullable=False),
    # core.names.name_key(label): labels that look alike collide here, concurrent creates too.
    Column("label_key", Text, nullable=False, server_default=""),
    Column("position", Integer, nullable=False),
    Column("color", String(64), nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "position"),
    # An index, not a constraint: SQLite adds one without copying the table (and its triggers).
    Index("uq_lead_status_organization_id_label_key", "organization_id", "label_key", unique=True),
)

lead = Table(
    "lead",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", Text, nullable=True),
    Column("description", Text, nullable=True),
    Column("url", Text, nullable=True),
    Column("status_id", ID, ForeignKey("lead_status.id"), nullable=False),
    Column("addresses", JSONDoc, nullable=False),
    # Custom field values keyed by field id, validated by the field's type on write.
    Column("custom", JSONDoc, nullable=False),
    # How the lead came to be: "api" (a request), "import" (`leadbase load`); null before 2026-11-30.
    Column("source", String(32), nullable=True),
    *audit_columns(),
    # A page in Close's order (date_created, id) read from this index alone, and stopped at its
    # end: PostgreSQL's walk of the leads of common children looks each id up in a hashed list.
    Index(None, "organization_id", "date_created", "id"),
    Index(None, "organization_id", "date_updated"),
    # A status with a date range (the most common smart view) counts from this index alone.
    Index(None, "organization_id", "status_id", "date_created"),
    # Leads found through their children (thousands for an email domain) are checked against
    # their organization and sorted by creation from this index alone.
    Index(None, "id", "organization_id", "date_created"),
    Index(None, "organization_id", "name"),
    # PostgreSQL also has GIN indexes of the words of a lead's name and a contact's name and
    # emails (migration f4c1a7e9b3d5; leadbase/search/fulltext.py, WORD_INDEXED).
)

contact = Table(
    "contact",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("lead_id", ID, ForeignKey("lead.id"), nullable=False),
    Column("name", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("emails", JSONDoc, nullable=False),
    Column("phones", JSONDoc, nullable=False),
    Column("urls", JSONDoc, nullable=False),
    Column("custom", JSONDoc, nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "lead_id", "date_created"),
    Index(None, "organization_id", "date_created"),
    Index(None, "organization_id", "date_updated"),
)
