"""leads in a page's order from one index: (organization_id, date_created, id)

A page of leads is in Close's order, `date_created` then `id`. The index of
`(organization_id, date_created)` gave the first key only: PostgreSQL read each lead's row for its
id and sorted the ties (an incremental sort), so a page that checks its leads in order against a
list (the leads of contacts at an email domain, search/compiler.py) read a heap page a lead. With
the id in the index, such a page reads the index alone and stops at its end: 11,000 leads in a few
milliseconds at a million.

Revision ID: e1f3a5c7b9d2
Revises: c8e2b4f6a1d9
Create Date: 2026-12-02 09:30:00
"""

from __future__ import annotations

from alembic import op

revision = "e1f3a5c7b9d2"
down_revision = "c8e2b4f6a1d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = ["organization_id", "date_created", "id"]
    op.create_index("ix_lead_organization_id_date_created_id", "lead", columns)
    op.drop_index("ix_lead_organization_id_date_created", table_name="lead")
    # SQLite's planner knows an index from its statistics: without them it guesses its rows.
    op.execute("ANALYZE lead")


def downgrade() -> None:
    op.create_index("ix_lead_organization_id_date_created", "lead", ["organization_id", "date_created"])
    op.drop_index("ix_lead_organization_id_date_created_id", table_name="lead")
