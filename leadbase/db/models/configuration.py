"""Configuration around calls and meetings: scheduling links (a user's own, and the organization's
shared ones with each member's mapping) and playbooks (`/scheduling_link/`,
`/shared_scheduling_link/`, `/shared_scheduling_link_association/`, `/playbook/`)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

# Both kinds of scheduling link share one table and one id prefix (`schlnk_`), as Close's do;
# `type` tells them apart (USER: a member's link to a booking page; SHARED: a name the whole
# organization uses in templates, which each member maps to a link of their own).
scheduling_link = Table(
    "scheduling_link",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("type", String(16), nullable=False),
    # The member a USER link belongs to; null for SHARED links.
    Column("user_id", ID, nullable=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("url", Text, nullable=True),
    # MANUAL (made through the API or the app), THIRD_PARTY (an integration's upsert), CALENDLY.
    Column("source", String(16), nullable=False),
    Column("source_id", String(255), nullable=True),
    Column("source_type", String(255), nullable=True),
    Column("duration_in_minutes", Integer, nullable=True),
    # The application that manages a THIRD_PARTY link (here: the API key standing for it).
    Column("oauth_client_id", ID, nullable=True),
    # A SHARED link's name in templates; fixed when the link is made, so renaming breaks no template.
    Column("template_tag", String(255), nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "type", "user_id", "date_created"),
    # One link per source id and application: the integration route upserts on it.
    UniqueConstraint("organization_id", "oauth_client_id", "source_id"),
    UniqueConstraint("organization_id", "template_tag"),
)

# Which link a member's copy of a shared link points at: one of their USER links, or a URL.
scheduling_link_map = Table(
    "scheduling_link_map",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("shared_link_id", ID, ForeignKey("scheduling_link.id"), nullable=False),
    Column("user_id", ID, nullable=False),
    Column("user_link_id", ID, ForeignKey("scheduling_link.id"), nullable=True),
    Column("url", Text, nullable=True),
    *audit_columns(),
    UniqueConstraint("organization_id", "shared_link_id", "user_id"),
    Index(None, "organization_id", "user_link_id"),
)

playbook = Table(
    "playbook",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("summary_guidance", Text, nullable=True),
    Column("outcome_ids", JSONDoc, nullable=False),
    Column("custom_field_ids", JSONDoc, nullable=False),
    # The order of the active playbooks; null while archived (as Close shows it).
    Column("position", Integer, nullable=True),
    # Whether archived_at is set, as a column of its own so that lists put archived playbooks
    # last the same way on both databases (SQLite sorts NULL positions first, PostgreSQL last).
    Column("is_archived", Boolean, nullable=False),
    Column("archived_at", UTCDateTime(), nullable=True),
    Column("archived_by", ID, nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "is_archived", "position"),
)
