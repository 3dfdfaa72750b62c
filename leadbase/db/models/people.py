"""Custom roles and groups of users (memberships live with the identity tables)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, PrimaryKeyConstraint, String, Table, UniqueConstraint

from leadbase.db.models.base import ID, audit_columns, metadata
from leadbase.db.types import JSONDoc, UTCDateTime

# Custom roles only: the four built-in roles (admin, superuser, user, restricteduser) are
# constants of db/permissions.py, the same in every organization.
role = Table(
    "role",
    metadata,
    Column("organization_id", ID, ForeignKey("organization.id"), nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("permissions", JSONDoc, nullable=False),
    Column("visibility_user_lcf_ids", JSONDoc, nullable=True),
    Column("visibility_user_lcf_behavior", String(32), nullable=True),
    *audit_columns(),
    Index(None, "organization_id", "date_created"),
)

# "group" is reserved in SQL.
user_group = Table(
    "user_group",
    metadata,
    Column("organization_id", ID, ForeignKey("organization.id"), nullable=False),
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    # core/names.name_key of the name: unique per organization, so look-alike names collide.
    Column("name_key", String(255), nullable=False),
    *audit_columns(),
    UniqueConstraint("organization_id", "name_key"),
)

group_member = Table(
    "group_member",
    metadata,
    Column("organization_id", ID, ForeignKey("organization.id"), nullable=False),
    Column("id", ID, nullable=False),
    Column("group_id", ID, ForeignKey("user_group.id"), nullable=False),
    Column("user_id", ID, ForeignKey("app_user.id"), nullable=False),
    Column("date_created", UTCDateTime(), nullable=False),
    Column("date_updated", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("id"),
    UniqueConstraint("organization_id", "group_id", "user_id"),
)
