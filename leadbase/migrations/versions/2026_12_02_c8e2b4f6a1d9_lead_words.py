"""lead words: which leads hold a word in their own text or their contacts', one row each

Counting the leads a word search finds (`GET /lead/?query=Okafor` answers `total_results`) read
every matching row of `text_index` to learn its lead, then set the leads apart: a last name
held by a tenth of a million leads' contacts is 124,700 rows, 160 ms on SQLite and 260 on
PostgreSQL before the page is read. `lead_word` holds each word of a lead's `text_index` rows of
kind `lead` and `contact` once per lead (`uses`: how many of those rows hold it), so the count is
an index range read (leadbase/search/fulltext.py `count_leads_with_words`). Activities' words
(notes, email bodies: most of the text there is) are left out: a word found in an activity is
counted as before.

Triggers on `text_index` keep it in the writing transaction, with the words each database's own
index holds:
- SQLite: the FTS5 tokenizer of `text_index_fts`. A row's body goes through the contentless
  FTS5 table `word_scratch`, whose `fts5vocab` table lists its words, and is cleared again.
- PostgreSQL: the lexemes of `text_index.document`, but the organization's (`@<id>`).

PostgreSQL also gets a GIN index of activities' words alone (`ix_text_index_activity_document`):
whether a word is in any of an organization's activities, without reading the rows of its
contacts that hold it.

Revision ID: c8e2b4f6a1d9
Revises: a7c4e9f2d6b8
Create Date: 2026-12-02 08:30:00
"""

from __future__ import annotations

from alembic import op

revision = "c8e2b4f6a1d9"
down_revision = "a7c4e9f2d6b8"
branch_labels = None
depends_on = None

# The kinds of `text_index` row whose words are kept (search/fulltext.py `LEAD_WORD_KINDS`).
KINDS = "('lead', 'contact')"
# Must stay the tokenizer of `text_index_fts` (migration b6d2f8a4c1e7).
TOKENIZER = "unicode61 remove_diacritics 2"


def _kept(row: str) -> str:
    return f"{row}.kind IN {KINDS} AND {row}.lead_id IS NOT NULL"


def _sqlite_words(row: str, when: str) -> list[str]:
    """Statements that add (`when` true) the words of `row` to `word_scratch`."""
    return [f"INSERT INTO word_scratch (rowid, body) SELECT 1, {row}.body WHERE {when}"]


_CLEAR = "INSERT INTO word_scratch (word_scratch) VALUES ('delete-all')"


def _sqlite_add(row: str) -> list[str]:
    return [
        *_sqlite_words(row, _kept(row)),
        "INSERT INTO lead_word (word, organization_id, lead_id, uses) "
        f"SELECT term, {row}.organization_id, {row}.lead_id, 1 FROM word_scratch_vocab WHERE true "
        "ON CONFLICT (word, organization_id, lead_id) DO UPDATE SET uses = uses + 1",
        _CLEAR,
    ]


def _sqlite_remove(row: str) -> list[str]:
    mine = f"organization_id = {row}.organization_id AND lead_id = {row}.lead_id"
    words = "word IN (SELECT term FROM word_scratch_vocab)"
    return [
        *_sqlite_words(row, _kept(row)),
        f"UPDATE lead_word SET uses = uses - 1 WHERE {words} AND {mine}",
        f"DELETE FROM lead_word WHERE {words} AND {mine} AND uses <= 0",
        _CLEAR,
    ]


# An update rewrites a row's words only when its words or its lead changed (the triggers on
# `lead` and `contact` rewrite a row on most of their updates, mostly with the same body).
_CHANGED = "OLD.body IS DISTINCT FROM NEW.body OR OLD.lead_id IS DISTINCT FROM NEW.lead_id"


def _sqlite_triggers() -> list[str]:
    def trigger(name: str, event: str, statements: list[str], when: str) -> str:
        body = "; ".join(statements)
        return f"CREATE TRIGGER {name} AFTER {event} ON text_index WHEN {when} BEGIN {body}; END"

    return [
        trigger("lead_word_insert", "INSERT", _sqlite_add("NEW"), _kept("NEW")),
        trigger("lead_word_delete", "DELETE", _sqlite_remove("OLD"), _kept("OLD")),
        trigger(
            "lead_word_update",
            "UPDATE OF body, lead_id",
            [*_sqlite_remove("OLD"), *_sqlite_add("NEW")],
            f"({_kept('OLD')} OR {_kept('NEW')}) AND ({_CHANGED})",
        ),
    ]


# SQLite backfill: this many rows go through the scratch table at once.
_CHUNK = 20_000


def _sqlite_backfill() -> None:
    """The words of every kept row, a chunk of rows at a time through `word_scratch` (its
    `fts5vocab` instance table says which row each word came from)."""
    conn = op.get_bind()
    op.execute(
        "CREATE VIRTUAL TABLE temp.word_scratch_instances USING fts5vocab(main, word_scratch, instance)"
    )
    after = -1
    while True:
        last = conn.exec_driver_sql(
            f"SELECT max(id) FROM (SELECT id FROM text_index WHERE id > {after} ORDER BY id LIMIT {_CHUNK})"
        ).scalar()
        if last is None:
            break
        op.execute(
            "INSERT INTO word_scratch (rowid, body) SELECT id, body FROM text_index t "
            f"WHERE id > {after} AND id <= {last} AND {_kept('t')}"
        )
        op.execute(
            "INSERT INTO lead_word (word, organization_id, lead_id, uses) "
            "SELECT v.term, t.organization_id, t.lead_id, count(DISTINCT v.doc) "
            "FROM word_scratch_instances v JOIN text_index t ON t.id = v.doc "
            "GROUP BY v.term, t.organization_id, t.lead_id "
            "ON CONFLICT (word, organization_id, lead_id) DO UPDATE SET uses = uses + excluded.uses"
        )
        op.execute(_CLEAR)
        after = last
    op.execute("DROP TABLE temp.word_scratch_instances")


# PostgreSQL: a row's words are its document's lexemes, but the organization's (`@<id>`).
def _postgres_words(row: str) -> str:
    return f"SELECT w FROM unnest(tsvector_to_array({row}.document)) w WHERE left(w, 1) <> '@'"


_POSTGRES_FUNCTION = f"""
CREATE FUNCTION leadbase_lead_word() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND {_kept("OLD")} THEN
        UPDATE lead_word SET uses = uses - 1
        WHERE word IN ({_postgres_words("OLD")})
          AND organization_id = OLD.organization_id AND lead_id = OLD.lead_id;
        DELETE FROM lead_word
        WHERE word IN ({_postgres_words("OLD")})
          AND organization_id = OLD.organization_id AND lead_id = OLD.lead_id AND uses <= 0;
    END IF;
    IF TG_OP <> 'DELETE' AND {_kept("NEW")} THEN
        -- In the words' order: two writers of one lead's words take their rows in one order.
        INSERT INTO lead_word (word, organization_id, lead_id, uses)
        SELECT w, NEW.organization_id, NEW.lead_id, 1 FROM ({_postgres_words("NEW")}) words ORDER BY w
        ON CONFLICT (word, organization_id, lead_id) DO UPDATE SET uses = lead_word.uses + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def _postgres() -> None:
    op.execute(
        "CREATE TABLE lead_word (word text NOT NULL, organization_id varchar NOT NULL, "
        "lead_id varchar NOT NULL, uses integer NOT NULL, "
        "CONSTRAINT pk_lead_word PRIMARY KEY (word, organization_id, lead_id))"
    )
    op.execute(
        "INSERT INTO lead_word (word, organization_id, lead_id, uses) "
        "SELECT w, t.organization_id, t.lead_id, count(*) "
        "FROM text_index t, unnest(tsvector_to_array(t.document)) w "
        f"WHERE {_kept('t')} AND left(w, 1) <> '@' "
        "GROUP BY w, t.organization_id, t.lead_id"
    )
    op.execute(_POSTGRES_FUNCTION)
    op.execute(
        "CREATE TRIGGER lead_word_write AFTER INSERT OR DELETE ON text_index "
        "FOR EACH ROW EXECUTE FUNCTION leadbase_lead_word()"
    )
    op.execute(
        "CREATE TRIGGER lead_word_update AFTER UPDATE OF body, lead_id ON text_index "
        f"FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION leadbase_lead_word()"
    )
    op.execute(
        "CREATE INDEX ix_text_index_activity_document ON text_index USING gin (document) "
        "WHERE kind = 'activity'"
    )
    op.execute("ANALYZE lead_word")


def _sqlite() -> None:
    op.execute(
        "CREATE TABLE lead_word (word TEXT NOT NULL, organization_id VARCHAR NOT NULL, "
        "lead_id VARCHAR NOT NULL, uses INTEGER NOT NULL, "
        "CONSTRAINT pk_lead_word PRIMARY KEY (word, organization_id, lead_id)) WITHOUT ROWID"
    )
    op.execute(f"CREATE VIRTUAL TABLE word_scratch USING fts5(body, content='', tokenize='{TOKENIZER}')")
    op.execute("CREATE VIRTUAL TABLE word_scratch_vocab USING fts5vocab(word_scratch, row)")
    _sqlite_backfill()
    for trigger in _sqlite_triggers():
        op.execute(trigger)
    op.execute("ANALYZE lead_word")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    else:
        _sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER lead_word_write ON text_index")
        op.execute("DROP TRIGGER lead_word_update ON text_index")
        op.execute("DROP FUNCTION leadbase_lead_word()")
        op.execute("DROP INDEX ix_text_index_activity_document")
    else:
        for name in ("lead_word_insert", "lead_word_delete", "lead_word_update"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE word_scratch_vocab")
        op.execute("DROP TABLE word_scratch")
    op.execute("DROP TABLE lead_word")
