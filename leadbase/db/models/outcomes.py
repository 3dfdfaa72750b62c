"""Outcomes: what a call or a meeting came to (`/outcome/`)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata

outcome = Table(
    "outcome",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    # "custom" (set by people, on calls and meetings) or "vm-dropped" (calls with a dropped voicemail).
    Column("type", String(32), nullable=False),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)
