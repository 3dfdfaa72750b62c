"""lead words (PostgreSQL): which leads hold a word in their own text or their contacts', one row each

Counting the leads a word search finds (`GET /lead/?query=Okafor` answers `total_results`) read
every matching row of `text_index` to learn its lead, then set the leads apart: a last name
held by a tenth of a million leads' contacts is 124,700 rows, and on PostgreSQL a heap page
each, which no GIN index spares (430 ms a page and its count). `lead_word` holds each word of a
lead's `text_index` rows of kind `lead` and `contact` once per lead (`uses`: how many of those
rows hold it), so the count is an index-only range read (leadbase/search/fulltext.py
`count_leads_with_words`). Activities' words (notes, email bodies: most of the text there is)
are left out: a word found in an activity is counted as before. The words are the lexemes of
`text_index.document`, but the organization's (`@<id>`).

Organizations and leads are numbers there (`lead_word_key`, given on first sight and kept): two
ids of 50 characters a row made the table 6.5 GB at a million leads with two contacts each (24
words a lead), more than `lead` itself.

A trigger on `text_index` keeps it in the writing transaction, whoever writes. A GIN index of
activities' words alone (`ix_text_index_activity_document`) says whether any of an
organization's activities holds a word without reading the rows of its contacts that do.

SQLite has none of it: an inverted index kept row by row in a b-tree cost it a sixth of its
write throughput (a page written per word of each lead), and its count of the index rows reads
no heap (fulltext.py).

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

# The kinds of `text_index` row whose words are kept.
KINDS = "('lead', 'contact')"


def _kept(row: str) -> str:
    return f"{row}.kind IN {KINDS} AND {row}.lead_id IS NOT NULL"


# A row's words: its document's lexemes, but the organization's.
def _words(row: str) -> str:
    return f"SELECT w FROM unnest(tsvector_to_array({row}.document)) w WHERE left(w, 1) <> '@'"


# The number of an id, given on first sight. Under concurrent first sights one insert wins and
# the others read its row (each statement of a function sees what committed before it).
_KEY_FUNCTION = """
CREATE FUNCTION leadbase_lead_word_key(wanted varchar) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    found bigint;
BEGIN
    SELECT key INTO found FROM lead_word_key WHERE id = wanted;
    IF found IS NULL THEN
        INSERT INTO lead_word_key (id) VALUES (wanted) ON CONFLICT (id) DO NOTHING RETURNING key INTO found;
        IF found IS NULL THEN
            SELECT key INTO found FROM lead_word_key WHERE id = wanted;
        END IF;
    END IF;
    RETURN found;
END
$$
"""

_ROW_FUNCTION = f"""
CREATE FUNCTION leadbase_lead_word() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    organization_number bigint;
    lead_number bigint;
BEGIN
    IF TG_OP <> 'INSERT' AND {_kept("OLD")} THEN
        -- A lead without a number has no rows.
        SELECT o.key, l.key INTO organization_number, lead_number FROM lead_word_key o, lead_word_key l
        WHERE o.id = OLD.organization_id AND l.id = OLD.lead_id;
        IF lead_number IS NOT NULL THEN
            UPDATE lead_word SET uses = uses - 1
            WHERE word IN ({_words("OLD")})
              AND owner_key = organization_number AND lead_key = lead_number;
            DELETE FROM lead_word
            WHERE word IN ({_words("OLD")})
              AND owner_key = organization_number AND lead_key = lead_number AND uses <= 0;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND {_kept("NEW")} THEN
        organization_number := leadbase_lead_word_key(NEW.organization_id);
        lead_number := leadbase_lead_word_key(NEW.lead_id);
        -- In the words' order: two writers of one lead's words take its rows in one order.
        INSERT INTO lead_word (word, owner_key, lead_key, uses)
        SELECT w, organization_number, lead_number, 1 FROM ({_words("NEW")}) words ORDER BY w
        ON CONFLICT (word, owner_key, lead_key) DO UPDATE SET uses = lead_word.uses + 1;
    END IF;
    RETURN NULL;
END
$$
"""

# An update rewrites a row's words only when its words or its lead changed (the triggers on
# `lead` and `contact` rewrite a row on most of their updates, mostly with the same body).
_CHANGED = "OLD.body IS DISTINCT FROM NEW.body OR OLD.lead_id IS DISTINCT FROM NEW.lead_id"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE lead_word_key (id varchar NOT NULL, key bigint GENERATED ALWAYS AS IDENTITY, "
        "CONSTRAINT pk_lead_word_key PRIMARY KEY (id), CONSTRAINT uq_lead_word_key_key UNIQUE (key))"
    )
    op.execute(
        "CREATE TABLE lead_word (word text NOT NULL, owner_key bigint NOT NULL, lead_key bigint NOT NULL, "
        "uses integer NOT NULL, CONSTRAINT pk_lead_word PRIMARY KEY (word, owner_key, lead_key))"
    )
    # The backfill: the numbers of the organizations and leads there are, then their words.
    op.execute(
        "INSERT INTO lead_word_key (id) SELECT id FROM ("
        f"SELECT DISTINCT organization_id AS id FROM text_index t WHERE {_kept('t')} "
        f"UNION SELECT DISTINCT lead_id FROM text_index t WHERE {_kept('t')}) ids ORDER BY id"
    )
    op.execute(
        "INSERT INTO lead_word (word, owner_key, lead_key, uses) "
        "SELECT w, o.key, l.key, count(*) "
        "FROM text_index t JOIN lead_word_key o ON o.id = t.organization_id "
        "JOIN lead_word_key l ON l.id = t.lead_id, unnest(tsvector_to_array(t.document)) w "
        f"WHERE {_kept('t')} AND left(w, 1) <> '@' GROUP BY w, o.key, l.key"
    )
    op.execute(_KEY_FUNCTION)
    op.execute(_ROW_FUNCTION)
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
    op.execute("ANALYZE lead_word_key")
    op.execute("ANALYZE lead_word")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER lead_word_write ON text_index")
    op.execute("DROP TRIGGER lead_word_update ON text_index")
    op.execute("DROP FUNCTION leadbase_lead_word()")
    op.execute("DROP FUNCTION leadbase_lead_word_key(varchar)")
    op.execute("DROP INDEX ix_text_index_activity_document")
    op.execute("DROP TABLE lead_word")
    op.execute("DROP TABLE lead_word_key")
