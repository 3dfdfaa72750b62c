"""Snapshots of organizations (the admin API's snapshot and restore)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, String, Table

from leadbase.db.models.base import ID, metadata
from leadbase.db.types import UTCDateTime

# One row per snapshot: every tenant row of the organization, as zlib-compressed JSON (db/tenants.py
# writes and reads it). Not a tenant table itself: a snapshot outlives the rows it copies and is
# never part of another snapshot, so it is marked outside the tenancy that snapshots cover.
org_snapshot = Table(
    "org_snapshot",
    metadata,
    Column("id", ID, primary_key=True),
    Column("organization_id", ID, nullable=False),
    Column("name", String(255), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("date_created", UTCDateTime(), nullable=False),
    Index(None, "organization_id", "date_created"),
    info={"tenancy": "outside"},
)
