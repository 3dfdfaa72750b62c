"""free-text custom fields: an index of lowered values; PostgreSQL indexes short values only

A text, textarea or hidden field is searched by equality, exact or case aside (an external id:
`"custom.Account code" = "AC-1"`), which no index answered case aside: at a million leads a
lookup read every lead (seconds). Each such field gets an index of its lowered value
(custom_fields/indexes.py, variant `l`).

On PostgreSQL its value index was a b-tree of every value: a value longer than a b-tree entry
holds (about 2,700 bytes: a pasted document in a text field) refused its object's write with a
400, while SQLite took it. Its indexes there hold values up to 2,000 bytes (variants `s` and
`l`), which equality searches name in their condition.

Revision ID: a7c4e9f2d6b8
Revises: d3f9a2c7e5b1
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from leadbase.custom_fields.indexes import sync_organization_indexes

revision = "a7c4e9f2d6b8"
down_revision = "d3f9a2c7e5b1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sync_organization_indexes(op.get_bind())


def downgrade() -> None:
    # The earlier code makes the indexes it wants when a field next changes; these it never reads.
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        catalog = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        catalog = "SELECT name FROM sqlite_master WHERE type = 'index'"
    for (name,) in conn.execute(sa.text(catalog)).all():
        if re.match(r"cfx_[a-z]+_[sl]_", name):
            op.execute(sa.text(f'DROP INDEX "{name}"'))
            if postgres:
                op.execute(sa.text(f'DROP STATISTICS IF EXISTS "cfs_{name.removeprefix("cfx_")}"'))
