"""Organizations, users, memberships and API keys."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, UniqueConstraint

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import UTCDateTime

organization = Table(
    "organization",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("currency", String(3), nullable=False, server_default="USD"),
    # Changes whenever a custom field definition of the organization changes: processes
    # compare it with their cached definitions instead of reloading them on every request.
    Column("custom_fields_version", String(32), nullable=True),
    *audit_columns(),
    # Not unique: a name is a label, and refusing a rename would tell one tenant that another
    # organization has that name. `bootstrap` finds organizations by name (the oldest wins).
    Index(None, "name"),
)

# Users are global (one person may belong to several organizations); what a caller may
# see of them is decided through memberships.
user = Table(
    # "user" is reserved in PostgreSQL; a plain name keeps hand-written SQL simple.
    "app_user",
    metadata,
    Column("id", ID, primary_key=True),
    Column("email", String(320), nullable=False),
    Column("first_name", String(255), nullable=True),
    Column("last_name", String(255), nullable=True),
    Column("image", String(1024), nullable=True),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
    UniqueConstraint("email"),
)

membership = Table(
    "membership",
    metadata,
    Column("organization_id", ID, ForeignKey("organization.id"), nullable=False),
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("app_user.id"), nullable=False),
    Column("role_id", String(64), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
    UniqueConstraint("organization_id", "user_id"),
    Index(None, "user_id"),
)

api_key = Table(
    "api_key",
    metadata,
    Column("organization_id", ID, ForeignKey("organization.id"), nullable=False),
    Column("id", ID, primary_key=True),
    Column("user_id", ID, ForeignKey("app_user.id"), nullable=False),
    # sha256 of the secret: the secret itself is shown once and never stored.
    Column("key_hash", String(64), nullable=False),
    Column("name", String(255), nullable=True),
    Column("date_created", UTCDateTime(), nullable=False),
    UniqueConstraint("key_hash"),
    Index(None, "organization_id", "user_id"),
)
