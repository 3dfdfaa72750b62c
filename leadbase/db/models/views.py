"""Smart views (Close's saved searches): a named Advanced Filtering query."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc

saved_search = Table(
    "saved_search",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    # lead or contact (Close's schema lists more kinds; its docs promise these two).
    Column("type", String(40), nullable=False),
    # {"query": <node>, "sort": [...], "results_limit": n} as sent; null for a legacy text view.
    Column("s_query", JSONDoc, nullable=True),
    # The legacy query string (`*`, `status:"Potential"`); null for a structured view.
    Column("query", Text, nullable=True),
    # Visible to the whole organization, or to its owner (and `shared_with`) only.
    Column("is_shared", Boolean, nullable=False),
    Column("shared_with", JSONDoc, nullable=True),
    Column("selected_fields", JSONDoc, nullable=True),
    Column("is_user_dependent", Boolean, nullable=False),
    # The owner: the member who made it.
    Column("user_id", ID, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "type", "date_created"),
    Index(None, "organization_id", "user_id"),
)
