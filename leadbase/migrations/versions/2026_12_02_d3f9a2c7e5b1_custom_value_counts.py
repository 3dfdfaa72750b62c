"""custom values, one row each (PostgreSQL): counts of a custom field search from an index alone

PostgreSQL cannot answer a count from an index on an expression (its planner takes an
index-only scan only when every column the query reads is in the index, and the expressions of
custom_fields/indexes.py read the `custom` JSON column): counting the leads of a choice held by
one lead in eleven reads every one of their rows, 20,000 pages at a million leads. Here each
string or number value of a lead, contact or opportunity is also a row of `custom_value`, kept
by triggers in the writing transaction, whoever writes; its b-trees count a value or a range
without visiting a lead (leadbase/search/value_counts.py). `text_value` and `number_value` are
the very expressions search compares (custom_fields/sql.py `text_value`, `number_value`).

SQLite needs none of it: it reads a count from an expression index alone.

Revision ID: d3f9a2c7e5b1
Revises: b6d2f8a4c1e7
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from alembic import op

revision = "d3f9a2c7e5b1"
down_revision = "b6d2f8a4c1e7"
branch_labels = None
depends_on = None

# The tables whose custom values are kept: those a search target reads without a type (custom
# activities and custom objects are searched within their type, which `custom_value` lacks).
TABLES = ("lead", "contact", "opportunity")


# Strings longer than this (in bytes) have no row: a b-tree entry holds at most about 2,700
# bytes. A search whose condition could match one counts the objects instead (value_counts.py).
LONGEST_TEXT = 2000


def rows_of(source: str, table: str, read: str = "") -> str:
    """The SELECT of the `custom_value` rows of `source` (NEW, or an alias of `table` that
    `read` names): one per string or number value."""
    value = "e.value #>> '{}'"
    return (
        f"SELECT {source}.organization_id, '{table}', {source}.id, e.key, "
        f"CASE WHEN jsonb_typeof(e.value) = 'string' THEN {value} END, "
        f"CASE WHEN jsonb_typeof(e.value) = 'number' THEN ({value})::double precision END "
        f"FROM {read}jsonb_each({source}.custom) e "
        f"WHERE (jsonb_typeof(e.value) = 'number' "
        f"OR (jsonb_typeof(e.value) = 'string' AND octet_length({value}) <= {LONGEST_TEXT}))"
    )


INSERT = (
    "INSERT INTO custom_value (organization_id, object_table, object_id, field_id, text_value, number_value) "
)


def _function(table: str) -> str:
    return f"""
CREATE FUNCTION leadbase_custom_value_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM custom_value WHERE object_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {INSERT}{rows_of("NEW", table)};
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE custom_value ("
        "organization_id varchar NOT NULL, object_table varchar NOT NULL, object_id varchar NOT NULL, "
        "field_id varchar NOT NULL, text_value text, number_value double precision)"
    )
    for table in TABLES:
        op.execute(_function(table))
        op.execute(
            f"CREATE TRIGGER custom_value_{table}_write AFTER INSERT OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION leadbase_custom_value_{table}()"
        )
        # Only a change of the values rewrites them (a lead's update often sets `custom` as it was).
        op.execute(
            f"CREATE TRIGGER custom_value_{table}_update AFTER UPDATE OF custom ON {table} "
            "FOR EACH ROW WHEN (OLD.custom IS DISTINCT FROM NEW.custom) "
            f"EXECUTE FUNCTION leadbase_custom_value_{table}()"
        )
        op.execute(INSERT + rows_of("t", table, read=f"{table} t, "))
    # Built after the rows: one sort each instead of an insert per row.
    op.execute("CREATE INDEX ix_custom_value_object_id ON custom_value (object_id)")
    op.execute(
        "CREATE INDEX ix_custom_value_text ON custom_value "
        "(organization_id, object_table, field_id, text_value) WHERE text_value IS NOT NULL"
    )
    op.execute(
        "CREATE INDEX ix_custom_value_number ON custom_value "
        "(organization_id, object_table, field_id, number_value) WHERE number_value IS NOT NULL"
    )
    op.execute("ANALYZE custom_value")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER custom_value_{table}_write ON {table}")
        op.execute(f"DROP TRIGGER custom_value_{table}_update ON {table}")
        op.execute(f"DROP FUNCTION leadbase_custom_value_{table}()")
    op.execute("DROP TABLE custom_value")
