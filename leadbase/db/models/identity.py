"""Organizations, users, memberships and API keys."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, UniqueConstraint

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

organization = Table(
    "organization",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("currency", String(3), nullable=False, server_default="USD"),
    # Replaced (with a random value) whenever what processes cache about the organization
    # changes: custom field definitions (by the definitions code), lead statuses, memberships
    # and members' names (by triggers). A request compares it with the cache instead of
    # reloading them (db/orgcache.py).
    Column("settings_version", String(32), nullable=True),
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
    # No foreign keys: adding them on SQLite would copy the table and lose its triggers.
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("user_id", ID, nullable=False),
    Column("role_id", String(64), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
    # The member's settings Close shows on the membership (PUT /membership/{id}/).
    Column("auto_record_calls", String(16), nullable=False, server_default="unset"),
    Column("track_email_opens", Boolean, nullable=False, server_default="1"),
    Column("default_caller_id", String(64), nullable=True),
    Column("default_caller_id_mode", String(16), nullable=False, server_default="auto"),
    Column("hangup_recording_url", String(1024), nullable=True),
    Column("may_workflows_impersonate", Boolean, nullable=False, server_default="0"),
    # Ordered ids of the member's pinned smart views (GET/PUT /membership/{id}/pinned_views/).
    Column("pinned_view_ids", JSONDoc, nullable=True),
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
