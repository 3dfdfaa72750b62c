"""Row counts per organization, kept by triggers, so a list's total is not a count of the table."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, PrimaryKeyConstraint, String, Table

from leadbase.db.models.base import ID, metadata

# Each insert adds 1 to, and each delete takes 1 from, one of SLOTS rows picked at random, so
# concurrent writers in one organization rarely wait for the same row; a total is their sum.
SLOTS = 16

object_count = Table(
    "object_count",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("slot", Integer, nullable=False),
    Column("n", BigInteger, nullable=False),
    PrimaryKeyConstraint("organization_id", "table_name", "slot"),
)

# Tables whose rows the triggers count (the migration that installs them lists the same).
COUNTED_TABLES = frozenset({"lead"})

# Leads by status and day of creation (`YYYY-MM-DD`, UTC), kept by triggers on SQLite alone
# (db/day_counts.py says why): a list filtered by status and a range of date_created counts
# its total from a row per day instead of a row per lead.
lead_day_count = Table(
    "lead_day_count",
    metadata,
    Column("organization_id", ID, nullable=False),
    Column("status_id", ID, nullable=False),
    Column("day", String(10), nullable=False),
    Column("n", BigInteger, nullable=False),
    PrimaryKeyConstraint("organization_id", "status_id", "day"),
)
