"""lead texts (SQLite): a lead's words and its contacts' in one document; activities' words apart

Counting the leads a word search finds (`GET /lead/?query=Okafor` answers `total_results`) read
every matching row of `text_index` for its lead and set the leads apart: a last name held by a
tenth of a million leads' contacts is 124,700 rows, 115 ms on SQLite. PostgreSQL counts from
`lead_word` (migration c8e2b4f6a1d9); a b-tree of words by lead cost SQLite a sixth of its write
throughput. What SQLite gets instead is an FTS5 index of one document per lead: `lead_text`
holds the words of the lead's own `text_index` row and of its contacts' rows together, and
`lead_text_fts` indexes them, so the count of leads holding one word is FTS5's count of
documents, read from the word's entries alone (leadbase/search/fulltext.py).

A document's id is its organization's number (`lead_text_owner`, given on first sight and kept)
shifted left by OWNER_SHIFT bits, plus the id of the lead's own `text_index` row: an
organization's documents are one range of ids, which FTS5 reads without looking at the others'.

Activities' words (a lead matches through them too) leave `text_index_fts` for an FTS5 table
of their own, `activity_text_fts`: whether any activity of the organization holds a word (when
one does, the count is made as before) is then one lookup of the word, where the mixed table
read every entry of it. Each FTS5 table reads its rows through a view of its kinds.

Triggers on `text_index` keep it all in the writing transaction, whoever writes: a lead's
document is written again when the lead's own row or a contact's changes words or lead (an
unchanged body no longer rewrites a row's index entries either). The cost grows with the lead's
contacts: each contact written re-reads the lead's rows of kinds lead and contact, through an
index of those alone.

PostgreSQL: nothing (it has `lead_word` and its partial GIN index of activities' words).

Revision ID: f6a2c8e4b0d3
Revises: e1f3a5c7b9d2
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

from alembic import op

revision = "f6a2c8e4b0d3"
down_revision = "e1f3a5c7b9d2"
branch_labels = None
depends_on = None

# Must stay fulltext.py's LEAD_TEXT_SHIFT.
OWNER_SHIFT = 40
PEOPLE = "('lead', 'contact')"
_TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
_OLD_FTS_TRIGGERS = ("text_index_fts_insert", "text_index_fts_delete", "text_index_fts_update")


# The worker's merges (db/text_upkeep.py) merge any two segments of a level: FTS5's per-document
# lookup costs about a microsecond per segment, and its own merges leave up to three a level.
_MERGE_PAIRS = "INSERT INTO {name} ({name}, rank) VALUES ('usermerge', 2)"


def _fts(name: str, content: str, rowid: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {name} USING fts5(body, organization_id, content='{content}', "
        f"content_rowid='{rowid}', {_TOKENIZE})"
    )


def _fts_entry(name: str, row: str) -> str:
    values = f"{row}.id, {row}.body, {row}.organization_id"
    return f"INSERT INTO {name} (rowid, body, organization_id) VALUES ({values})"


def _fts_removal(name: str, row: str) -> str:
    return (
        f"INSERT INTO {name} ({name}, rowid, body, organization_id) "
        f"VALUES ('delete', {row}.id, {row}.body, {row}.organization_id)"
    )


def _split_index() -> list[str]:
    """`text_index_fts` for rows of leads and contacts, `activity_text_fts` for activities', each
    kept by triggers that look at the row's kind; an update only when the words changed."""
    statements = [
        "CREATE VIEW text_index_people AS SELECT id, body, organization_id FROM text_index "
        f"WHERE kind IN {PEOPLE}",
        "CREATE VIEW text_index_activity AS SELECT id, body, organization_id FROM text_index "
        "WHERE kind = 'activity'",
        _fts("text_index_fts", "text_index_people", "id"),
        _fts("activity_text_fts", "text_index_activity", "id"),
    ]
    for name, kinds in (("text_index_fts", f"IN {PEOPLE}"), ("activity_text_fts", "= 'activity'")):
        short = "people" if name == "text_index_fts" else "activity"
        statements += [
            f"CREATE TRIGGER text_index_{short}_fts_insert AFTER INSERT ON text_index "
            f"WHEN NEW.kind {kinds} BEGIN {_fts_entry(name, 'NEW')}; END",
            f"CREATE TRIGGER text_index_{short}_fts_delete AFTER DELETE ON text_index "
            f"WHEN OLD.kind {kinds} BEGIN {_fts_removal(name, 'OLD')}; END",
            f"CREATE TRIGGER text_index_{short}_fts_update AFTER UPDATE ON text_index "
            f"WHEN NEW.kind {kinds} "
            "AND (OLD.body IS NOT NEW.body OR OLD.organization_id IS NOT NEW.organization_id) "
            f"BEGIN {_fts_removal(name, 'OLD')}; {_fts_entry(name, 'NEW')}; END",
            f"INSERT INTO {name} ({name}) VALUES ('rebuild')",
            _MERGE_PAIRS.format(name=name),
        ]
    return statements


def _documents_write(leads: str) -> str:
    """The upsert of the documents of the leads whose own rows (`own`) meet `leads`."""
    return (
        "INSERT INTO lead_text (id, body) "
        f"SELECT (o.number << {OWNER_SHIFT}) + own.id, "
        "(SELECT group_concat(r.body, ' ') FROM text_index r "
        f"WHERE r.lead_id = own.object_id AND r.kind IN {PEOPLE}) "
        "FROM text_index own JOIN lead_text_owner o ON o.organization_id = own.organization_id "
        f"WHERE {leads} AND own.kind = 'lead' "
        "ON CONFLICT (id) DO UPDATE SET body = excluded.body WHERE body IS NOT excluded.body"
    )


def _document_write(lead: str) -> str:
    """The upsert of the document of the lead whose id is `lead`: nothing when the lead's own
    row is not there (yet, or any more)."""
    return _documents_write(f"own.object_id = {lead}")


# Not INSERT OR IGNORE: inside a trigger, the writing statement's own conflict clause (the upsert
# of `text_index`) overrides the trigger's.
_OWNER = (
    "INSERT INTO lead_text_owner (organization_id) SELECT NEW.organization_id "
    "WHERE NOT EXISTS (SELECT 1 FROM lead_text_owner WHERE organization_id = NEW.organization_id)"
)


def _lead_texts() -> list[str]:
    changed = "OLD.body IS NOT NEW.body OR OLD.lead_id IS NOT NEW.lead_id"
    removed_lead = (
        f"DELETE FROM lead_text WHERE id = ((SELECT number FROM lead_text_owner "
        f"WHERE organization_id = OLD.organization_id) << {OWNER_SHIFT}) + OLD.id"
    )
    return [
        "CREATE TABLE lead_text_owner (number INTEGER PRIMARY KEY, organization_id VARCHAR NOT NULL UNIQUE)",
        "CREATE TABLE lead_text (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
        # Only the rows a document is made of, by lead: not a lead's activities.
        f"CREATE INDEX ix_text_index_people_by_lead ON text_index (lead_id) WHERE kind IN {PEOPLE}",
        "CREATE VIRTUAL TABLE lead_text_fts USING fts5(body, content='lead_text', content_rowid='id', "
        f"{_TOKENIZE})",
        _MERGE_PAIRS.format(name="lead_text_fts"),
        "CREATE TRIGGER lead_text_fts_insert AFTER INSERT ON lead_text BEGIN "
        "INSERT INTO lead_text_fts (rowid, body) VALUES (NEW.id, NEW.body); END",
        "CREATE TRIGGER lead_text_fts_delete AFTER DELETE ON lead_text BEGIN "
        "INSERT INTO lead_text_fts (lead_text_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); END",
        "CREATE TRIGGER lead_text_fts_update AFTER UPDATE ON lead_text BEGIN "
        "INSERT INTO lead_text_fts (lead_text_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); "
        "INSERT INTO lead_text_fts (rowid, body) VALUES (NEW.id, NEW.body); END",
        f"CREATE TRIGGER lead_text_insert AFTER INSERT ON text_index "
        f"WHEN NEW.kind IN {PEOPLE} AND NEW.lead_id IS NOT NULL "
        f"BEGIN {_OWNER}; {_document_write('NEW.lead_id')}; END",
        f"CREATE TRIGGER lead_text_update AFTER UPDATE OF body, lead_id ON text_index "
        f"WHEN NEW.kind IN {PEOPLE} AND NEW.lead_id IS NOT NULL AND ({changed}) "
        f"BEGIN {_OWNER}; {_document_write('NEW.lead_id')}; END",
        # A contact moved to another lead (a merge) leaves its former lead's document too.
        f"CREATE TRIGGER lead_text_move AFTER UPDATE OF lead_id ON text_index "
        f"WHEN NEW.kind IN {PEOPLE} AND OLD.lead_id IS NOT NULL AND OLD.lead_id IS NOT NEW.lead_id "
        f"BEGIN {_document_write('OLD.lead_id')}; END",
        f"CREATE TRIGGER lead_text_lead_delete AFTER DELETE ON text_index WHEN OLD.kind = 'lead' "
        f"BEGIN {removed_lead}; END",
        f"CREATE TRIGGER lead_text_contact_delete AFTER DELETE ON text_index WHEN OLD.kind = 'contact' "
        f"BEGIN {_document_write('OLD.lead_id')}; END",
        # The backfill: every organization's number, then every lead's document.
        "INSERT INTO lead_text_owner (organization_id) SELECT DISTINCT organization_id FROM text_index "
        "WHERE kind = 'lead' ORDER BY organization_id",
        _documents_write("true"),
        "ANALYZE text_index",
    ]


_NEW_TRIGGERS = (
    "text_index_people_fts_insert",
    "text_index_people_fts_delete",
    "text_index_people_fts_update",
    "text_index_activity_fts_insert",
    "text_index_activity_fts_delete",
    "text_index_activity_fts_update",
    "lead_text_insert",
    "lead_text_update",
    "lead_text_move",
    "lead_text_lead_delete",
    "lead_text_contact_delete",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    statements = [f"DROP TRIGGER IF EXISTS {name}" for name in _OLD_FTS_TRIGGERS]
    statements += ["DROP TABLE IF EXISTS text_index_fts", *_split_index(), *_lead_texts()]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    statements = [f"DROP TRIGGER IF EXISTS {name}" for name in _NEW_TRIGGERS]
    statements += [
        "DROP TABLE IF EXISTS lead_text_fts",
        "DROP TABLE IF EXISTS lead_text",
        "DROP TABLE IF EXISTS lead_text_owner",
        "DROP INDEX IF EXISTS ix_text_index_people_by_lead",
        "DROP TABLE IF EXISTS text_index_fts",
        "DROP TABLE IF EXISTS activity_text_fts",
        "DROP VIEW IF EXISTS text_index_people",
        "DROP VIEW IF EXISTS text_index_activity",
        _fts("text_index_fts", "text_index", "id"),
        "CREATE TRIGGER text_index_fts_insert AFTER INSERT ON text_index BEGIN "
        f"{_fts_entry('text_index_fts', 'NEW')}; END",
        "CREATE TRIGGER text_index_fts_delete AFTER DELETE ON text_index BEGIN "
        f"{_fts_removal('text_index_fts', 'OLD')}; END",
        "CREATE TRIGGER text_index_fts_update AFTER UPDATE ON text_index BEGIN "
        f"{_fts_removal('text_index_fts', 'OLD')}; {_fts_entry('text_index_fts', 'NEW')}; END",
        "INSERT INTO text_index_fts (text_index_fts) VALUES ('rebuild')",
    ]
    for statement in statements:
        op.execute(statement)
