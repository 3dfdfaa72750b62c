"""Smart views (Close's saved searches): a named Advanced Filtering query."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, String, Table, Text

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import BigSerial, JSONDoc

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

# The words of every object a text search reads (a lead's name and description, a contact's
# name, title, emails and phones, an activity's note, subject, body or text), one row per
# object, written by triggers on `lead`, `contact` and `activity` whoever writes. SQLite
# indexes `body` in the FTS5 tables `text_index_fts` (leads' and contacts' rows) and
# `activity_text_fts` (external content, kept in step by triggers on this table), and each
# lead's words with its contacts' in `lead_text`; PostgreSQL in the generated tsvector
# `document` with a GIN index, and each lead's words in `lead_word`. None of them is declared
# here: they exist per dialect, made by the migrations 7c2d4e6f8a10, b6d2f8a4c1e7,
# c8e2b4f6a1d9 and f6a2c8e4b0d3 (search/fulltext.py reads them).
text_index = Table(
    "text_index",
    metadata,
    Column("id", BigSerial, primary_key=True, autoincrement=True),
    Column("organization_id", ID, nullable=False),
    Column("object_id", ID, nullable=False),
    Column("lead_id", ID, nullable=True),
    # lead, contact or activity
    Column("kind", String(16), nullable=False),
    Column("body", Text, nullable=False),
    Index("uq_text_index_object_id", "object_id", unique=True),
    Index(None, "organization_id", "lead_id"),
)
