"""search: a lead's status with its creation date in one index; word indexes on PostgreSQL

`(organization_id, status_id, date_created)` replaces `(organization_id, status_id)`: a status
with a date range (the most common smart view) is counted from the index alone. `(id,
organization_id, date_created)`: leads found through their contacts or opportunities (thousands
for an email domain) are checked and sorted from the index alone, not read one by one. On PostgreSQL,
GIN indexes of the words of a lead's name, a contact's name and a contact's email addresses,
the same words `text_index.document` holds for them: a word-start or email-domain search finds
its rows without a join through `text_index` (leadbase/search/fulltext.py, WORD_INDEXED).

Revision ID: f4c1a7e9b3d5
Revises: a3c8e6f1d925
Create Date: 2026-12-01 08:45:00
"""

from __future__ import annotations

from alembic import op

revision = "f4c1a7e9b3d5"
down_revision = "a3c8e6f1d925"
branch_labels = None
depends_on = None


def _words(text: str) -> str:
    # Must stay the expression `fulltext.words_of` writes, constant for constant.
    return f"to_tsvector('simple', regexp_replace(lower({text}), '[^[:alnum:]]+', ' ', 'g'))"


WORD_INDEXES = {
    "ix_lead_name_words": ("lead", _words("name")),
    "ix_contact_name_words": ("contact", _words("name")),
    "ix_contact_email_words": ("contact", _words("jsonb_path_query_array(emails, '$[*].email')::text")),
}


def upgrade() -> None:
    op.create_index(
        "ix_lead_organization_id_status_id_date_created",
        "lead",
        ["organization_id", "status_id", "date_created"],
    )
    op.drop_index("ix_lead_organization_id_status_id", table_name="lead")
    op.create_index(
        "ix_lead_id_organization_id_date_created", "lead", ["id", "organization_id", "date_created"]
    )
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, expression) in WORD_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}))")
        op.execute("ANALYZE contact")
    # SQLite takes an index it has no statistics of for the best there is: at a million leads
    # it read every lead of the organization through the new one (seconds a search).
    op.execute("ANALYZE lead")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in WORD_INDEXES:
            op.execute(f"DROP INDEX {name}")
    op.drop_index("ix_lead_id_organization_id_date_created", table_name="lead")
    op.create_index("ix_lead_organization_id_status_id", "lead", ["organization_id", "status_id"])
    op.drop_index("ix_lead_organization_id_status_id_date_created", table_name="lead")
