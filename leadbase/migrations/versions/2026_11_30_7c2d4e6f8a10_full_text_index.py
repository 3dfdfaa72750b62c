"""full text: the words of leads, contacts and activities, indexed for the `text` search

`text_index` holds one row per lead, contact and text-bearing activity: the words a text search
reads (names, description, url, emails, phones, notes, email subjects and bodies, SMS texts),
written by triggers on `lead`, `contact` and `activity` in the writing transaction, whoever
writes. SQLite indexes it with an FTS5 table (external content, kept in step by triggers on
`text_index`); PostgreSQL with a generated tsvector (the 'simple' configuration: no stemming,
as FTS5 has none) and a GIN index. Punctuation separates words on both, so an email address is
its parts. On SQLite, a later batch copy of `lead`, `contact` or `activity` drops their
triggers: re-create them with `create_triggers`.

Revision ID: 7c2d4e6f8a10
Revises: 9d3e5f7a1b24
Create Date: 2026-11-30 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7c2d4e6f8a10"
down_revision = "9d3e5f7a1b24"
branch_labels = None
depends_on = None

# The activity types whose text is searched, and the payload keys that hold it.
TEXT_TYPES = ("Note", "Email", "SMS", "Call", "Meeting", "WhatsAppMessage")
TEXT_KEYS = ("title", "note", "subject", "body_text", "text")


def _join(parts: list[str]) -> str:
    return " || ' ' || ".join(f"coalesce({p}, '')" for p in parts)


def _bodies(dialect: str, row: str) -> dict[str, str]:
    """The body expression of each kind, for the row `row` (NEW)."""
    if dialect == "postgresql":

        def listed(column: str, key: str) -> str:
            return f"(SELECT string_agg(e->>'{key}', ' ') FROM jsonb_array_elements({row}.{column}) e)"

        payload = [f"{row}.payload->>'{k}'" for k in TEXT_KEYS]
    else:

        def listed(column: str, key: str) -> str:
            extracted = f"json_extract(e.value, '$.{key}')"
            return f"(SELECT group_concat({extracted}, ' ') FROM json_each({row}.{column}) e)"

        payload = [f"json_extract({row}.payload, '$.{k}')" for k in TEXT_KEYS]
    return {
        "lead": _join([f"{row}.name", f"{row}.description", f"{row}.url"]),
        "contact": _join(
            [f"{row}.name", f"{row}.title", listed("emails", "email"), listed("phones", "phone")]
        ),
        "activity": _join(payload),
    }


LEAD_OF = {"lead": "id", "contact": "lead_id", "activity": "lead_id"}
WATCHED = {
    "lead": "name, description, url",
    "contact": "name, title, emails, phones, lead_id",
    "activity": "payload, lead_id, type",
}
TYPES_SQL = ", ".join(f"'{t}'" for t in TEXT_TYPES)


def _upsert(kind: str, body: str) -> str:
    return (
        "INSERT INTO text_index (organization_id, object_id, lead_id, kind, body) "
        f"VALUES (NEW.organization_id, NEW.id, NEW.{LEAD_OF[kind]}, '{kind}', {body}) "
        "ON CONFLICT (object_id) DO UPDATE SET lead_id = excluded.lead_id, body = excluded.body"
    )


def _sqlite_triggers() -> list[str]:
    bodies = _bodies("sqlite", "NEW")
    out = []
    for kind, body in bodies.items():
        when = f" WHEN NEW.type IN ({TYPES_SQL})" if kind == "activity" else ""
        upsert = _upsert(kind, body)
        out += [
            f"CREATE TRIGGER text_index_{kind}_insert AFTER INSERT ON {kind}{when} BEGIN {upsert}; END",
            f"CREATE TRIGGER text_index_{kind}_update AFTER UPDATE OF {WATCHED[kind]} ON {kind}{when} "
            f"BEGIN {upsert}; END",
            f"CREATE TRIGGER text_index_{kind}_delete AFTER DELETE ON {kind} "
            "BEGIN DELETE FROM text_index WHERE object_id = OLD.id; END",
        ]
    return out


def _postgres_function(kind: str) -> str:
    body = _bodies("postgresql", "NEW")[kind]
    skip = f"IF NEW.type NOT IN ({TYPES_SQL}) THEN RETURN NULL; END IF;" if kind == "activity" else ""
    return f"""
CREATE FUNCTION leadbase_text_index_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM text_index WHERE object_id = OLD.id;
        RETURN NULL;
    END IF;
    {skip}
    {_upsert(kind, body)};
    RETURN NULL;
END
$$
"""


SQLITE_FTS = (
    "CREATE VIRTUAL TABLE text_index_fts USING fts5(body, content='text_index', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER text_index_fts_insert AFTER INSERT ON text_index BEGIN "
    "INSERT INTO text_index_fts (rowid, body) VALUES (NEW.id, NEW.body); END",
    "CREATE TRIGGER text_index_fts_delete AFTER DELETE ON text_index BEGIN "
    "INSERT INTO text_index_fts (text_index_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); END",
    "CREATE TRIGGER text_index_fts_update AFTER UPDATE ON text_index BEGIN "
    "INSERT INTO text_index_fts (text_index_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); "
    "INSERT INTO text_index_fts (rowid, body) VALUES (NEW.id, NEW.body); END",
)


def create_triggers() -> None:
    """The triggers on lead, contact and activity (again after a batch copy of one on SQLite)."""
    if op.get_bind().dialect.name == "postgresql":
        for kind in ("lead", "contact", "activity"):
            op.execute(
                f"CREATE TRIGGER text_index_{kind} AFTER INSERT OR DELETE OR UPDATE OF {WATCHED[kind]} "
                f"ON {kind} FOR EACH ROW EXECUTE FUNCTION leadbase_text_index_{kind}()"
            )
    else:
        for trigger in _sqlite_triggers():
            op.execute(trigger)


def _backfill(dialect: str) -> None:
    bodies = _bodies(dialect, "t")
    for kind, body in bodies.items():
        where = f" WHERE t.type IN ({TYPES_SQL})" if kind == "activity" else ""
        op.execute(
            "INSERT INTO text_index (organization_id, object_id, lead_id, kind, body) "
            f"SELECT t.organization_id, t.id, t.{LEAD_OF[kind]}, '{kind}', {body} FROM {kind} t{where}"
        )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "text_index",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("organization_id", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("lead_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_text_index"),
    )
    op.create_index("uq_text_index_object_id", "text_index", ["object_id"], unique=True)
    op.create_index("ix_text_index_organization_id_lead_id", "text_index", ["organization_id", "lead_id"])
    if dialect == "postgresql":
        op.execute(
            "ALTER TABLE text_index ADD COLUMN document tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', regexp_replace(lower(body), '[^[:alnum:]]+', ' ', 'g'))) STORED"
        )
        op.execute("CREATE INDEX ix_text_index_document ON text_index USING gin (document)")
        for kind in ("lead", "contact", "activity"):
            op.execute(_postgres_function(kind))
    else:
        for statement in SQLITE_FTS:
            op.execute(statement)
    _backfill(dialect)
    create_triggers()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for kind in ("lead", "contact", "activity"):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS text_index_{kind} ON {kind}")
            op.execute(f"DROP FUNCTION IF EXISTS leadbase_text_index_{kind}()")
        else:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS text_index_{kind}_{action}")
    if dialect != "postgresql":
        op.execute("DROP TABLE IF EXISTS text_index_fts")
    op.drop_table("text_index")
