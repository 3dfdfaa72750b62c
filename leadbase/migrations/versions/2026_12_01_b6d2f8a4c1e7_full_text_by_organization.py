"""full text: every organization's words findable on their own

The full-text index held every organization's words together: a word common in one large
organization (a last name in 120,000 of its leads) cost a small organization's search as much
as its own, since each of the word's entries was read and then dropped for belonging to another
organization. The index now holds each row's organization too, so a search can ask for the
word's entries in one organization only (leadbase/search/fulltext.py decides when that pays):

- SQLite: the FTS5 table `text_index_fts` gets a second column, `organization_id` (external
  content, read from `text_index`); searches name the `body` column for their words.
- PostgreSQL: `text_index.document` gets one more lexeme, `@<organization id>`, which no word
  of a search can produce (a search's lexemes are letters and digits); the GIN index on it
  answers "the word and the organization" from its two entries.

Both are rebuilt from `text_index`, which is unchanged.

Revision ID: b6d2f8a4c1e7
Revises: f4c1a7e9b3d5
Create Date: 2026-12-01 20:10:00
"""

from __future__ import annotations

from alembic import op

revision = "b6d2f8a4c1e7"
down_revision = "f4c1a7e9b3d5"
branch_labels = None
depends_on = None

_WORDS = "to_tsvector('simple', regexp_replace(lower(body), '[^[:alnum:]]+', ' ', 'g'))"
# Must stay the lexeme search/fulltext.py `organization_lexeme` writes.
_ORGANIZATION = "array_to_tsvector(ARRAY['@' || organization_id::text])"

_FTS_TRIGGERS = ("text_index_fts_insert", "text_index_fts_delete", "text_index_fts_update")


def _sqlite_fts(columns: list[str]) -> list[str]:
    names = ", ".join(columns)
    new = ", ".join(f"NEW.{c}" for c in columns)
    old = ", ".join(f"OLD.{c}" for c in columns)
    delete = f"INSERT INTO text_index_fts (text_index_fts, rowid, {names}) VALUES ('delete', OLD.id, {old})"
    insert = f"INSERT INTO text_index_fts (rowid, {names}) VALUES (NEW.id, {new})"
    return [
        f"CREATE VIRTUAL TABLE text_index_fts USING fts5({names}, content='text_index', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER text_index_fts_insert AFTER INSERT ON text_index BEGIN {insert}; END",
        f"CREATE TRIGGER text_index_fts_delete AFTER DELETE ON text_index BEGIN {delete}; END",
        f"CREATE TRIGGER text_index_fts_update AFTER UPDATE ON text_index BEGIN {delete}; {insert}; END",
        "INSERT INTO text_index_fts (text_index_fts) VALUES ('rebuild')",
    ]


def _postgres_document(expression: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS ix_text_index_document",
        "ALTER TABLE text_index DROP COLUMN document",
        f"ALTER TABLE text_index ADD COLUMN document tsvector GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX ix_text_index_document ON text_index USING gin (document)",
        "ANALYZE text_index",
    ]


def _replace(sqlite_columns: list[str], postgres_document: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        statements = _postgres_document(postgres_document)
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in _FTS_TRIGGERS]
        statements += ["DROP TABLE IF EXISTS text_index_fts", *_sqlite_fts(sqlite_columns)]
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _replace(["body", "organization_id"], f"{_WORDS} || {_ORGANIZATION}")


def downgrade() -> None:
    _replace(["body"], _WORDS)
