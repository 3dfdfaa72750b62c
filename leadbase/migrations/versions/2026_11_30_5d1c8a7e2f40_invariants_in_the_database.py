"""invariants in the database: foreign keys, and unique keys of names

Revision ID: 5d1c8a7e2f40
Revises: a3c9e5d1f7b2
Create Date: 2026-11-30 13:30:00.000000

Rules that were checked only in Python broke under concurrent requests (issue 8): two
statuses with one label, a contact on a deleted lead. The database holds them now:

- lead_status.label_key, custom_field.name_key and custom_field_association.name_key carry
  core.names.name_key of the name, under unique indexes;
- foreign keys from each row to what it lives on (memberships excepted, see FOREIGN_KEYS).

Existing rows are made to fit first: a key that repeats gets its row id appended (the older
row keeps the plain key, and renaming the newer one re-keys it), leads on a missing status
move to their organization's first status, and rows whose lead, type or field is gone
(left by those races) are deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

from leadbase.core.names import name_key

revision = "5d1c8a7e2f40"
down_revision = "a3c9e5d1f7b2"
branch_labels = None
depends_on = None

# (table, column, referred table): parents come before their children, because on SQLite a
# batch operation copies and drops a table, and dropping a referred table would fail. A copy
# loses the table's triggers, so `_copying` puts them back; lead_status and membership (whose
# triggers keep the settings version) are not copied at all: lead_status gets a unique index
# instead of a constraint, and memberships no foreign keys.
FOREIGN_KEYS = [
    ("lead", "status_id", "lead_status"),
    ("contact", "lead_id", "lead"),
    ("custom_object", "lead_id", "lead"),
    ("custom_object", "custom_object_type_id", "custom_object_type"),
    ("activity", "lead_id", "lead"),
    ("activity", "custom_activity_type_id", "custom_activity_type"),
    ("custom_field", "custom_activity_type_id", "custom_activity_type"),
    ("custom_field", "custom_object_type_id", "custom_object_type"),
    ("custom_field", "referenced_custom_type_id", "custom_object_type"),
    ("custom_field_association", "field_id", "custom_field"),
    ("api_key", "organization_id", "organization"),
    ("api_key", "user_id", "app_user"),
]

# Orphans to remove before the keys can hold: (table, column, referred table).
ORPHANS = [(t, c, r) for t, c, r in FOREIGN_KEYS if (t, c) != ("lead", "status_id")]


@contextmanager
def _copying(table: str) -> Iterator[Any]:
    """op.batch_alter_table, keeping the table's triggers where SQLite copies the table."""
    conn = op.get_bind()
    triggers: list[str] = []
    if conn.dialect.name == "sqlite":
        found = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": table}
        )
        triggers = [str(sql) for (sql,) in found]
    with op.batch_alter_table(table) as batch:
        yield batch
    for sql in triggers:
        op.execute(sql)


def _fk_name(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def _keys(rows: Sequence[Any], group: Any, name: Any) -> dict[str, str]:
    """name_key per row id, the id appended where a key repeats within its group (oldest wins)."""
    seen: set[tuple[Any, str]] = set()
    keys = {}
    for row in rows:
        key = name_key(name(row))
        if (group(row), key) in seen:
            key = f"{key}#{row.id}"
        seen.add((group(row), key))
        keys[row.id] = key
    return keys


def _fill(conn: sa.Connection, table: str, column: str, keys: dict[str, str]) -> None:
    stmt = sa.text(f"UPDATE {table} SET {column} = :key WHERE id = :id")
    for row_id, key in keys.items():
        conn.execute(stmt, {"key": key, "id": row_id})


def _name_keys(conn: sa.Connection) -> None:
    statuses = conn.execute(
        sa.text("SELECT id, organization_id, label FROM lead_status ORDER BY date_created, id")
    ).all()
    _fill(conn, "lead_status", "label_key", _keys(statuses, lambda r: r.organization_id, lambda r: r.label))

    fields = conn.execute(
        sa.text("SELECT id, organization_id, kind, name FROM custom_field ORDER BY date_created, id")
    ).all()
    field_keys = _keys(fields, lambda r: (r.organization_id, r.kind == "shared" or r.id), lambda r: r.name)
    _fill(conn, "custom_field", "name_key", field_keys)

    associations = conn.execute(
        sa.text(
            "SELECT a.id, a.organization_id, a.object_type, a.type_id, f.name FROM custom_field_association a"
            " JOIN custom_field f ON f.id = a.field_id ORDER BY a.date_created, a.id"
        )
    ).all()
    placement_keys = _keys(
        associations, lambda r: (r.organization_id, r.object_type, r.type_id), lambda r: r.name
    )
    _fill(conn, "custom_field_association", "name_key", placement_keys)


def _repair_references(conn: sa.Connection) -> None:
    conn.execute(
        sa.text(
            "UPDATE lead SET status_id = (SELECT s.id FROM lead_status s"
            " WHERE s.organization_id = lead.organization_id ORDER BY s.position, s.date_created LIMIT 1)"
            " WHERE NOT EXISTS (SELECT 1 FROM lead_status s WHERE s.id = lead.status_id)"
        )
    )
    # Dependants first: a custom object's lead may itself be an orphan's parent.
    for table, column, referred in ORPHANS:
        conn.execute(
            sa.text(
                f"DELETE FROM {table} WHERE {column} IS NOT NULL"
                f" AND NOT EXISTS (SELECT 1 FROM {referred} r WHERE r.id = {table}.{column})"
            )
        )


def upgrade() -> None:
    conn = op.get_bind()
    # NOT NULL from the start (SQLite adds such a column only with a default, and cannot drop
    # the default without copying the table): a row written without a key collides on "".
    op.add_column("lead_status", sa.Column("label_key", sa.Text(), nullable=False, server_default=""))
    op.add_column("custom_field", sa.Column("name_key", sa.Text(), nullable=True))
    op.add_column("custom_field_association", sa.Column("name_key", sa.Text(), nullable=True))
    _name_keys(conn)
    _repair_references(conn)

    op.create_index(
        "uq_lead_status_organization_id_label_key",
        "lead_status",
        ["organization_id", "label_key"],
        unique=True,
    )
    with _copying("custom_field") as batch:
        batch.alter_column("name_key", existing_type=sa.Text(), nullable=False)
    with _copying("custom_field_association") as batch:
        batch.alter_column("name_key", existing_type=sa.Text(), nullable=False)
        batch.create_unique_constraint(
            "uq_custom_field_association_placement_name_key",
            ["organization_id", "object_type", "type_id", "name_key"],
        )

    for table in dict.fromkeys(t for t, _, _ in FOREIGN_KEYS):
        with _copying(table) as batch:
            for t, column, referred in FOREIGN_KEYS:
                if t == table:
                    batch.create_foreign_key(_fk_name(t, column, referred), referred, [column], ["id"])
    # Last: SQLite's batch copies of custom_field above would not carry a partial index over.
    op.create_index(
        "uq_custom_field_shared_name_key",
        "custom_field",
        ["organization_id", "name_key"],
        unique=True,
        sqlite_where=sa.text("kind = 'shared'"),
        postgresql_where=sa.text("kind = 'shared'"),
    )


def downgrade() -> None:
    op.drop_index("uq_custom_field_shared_name_key", table_name="custom_field")
    for table in reversed(list(dict.fromkeys(t for t, _, _ in FOREIGN_KEYS))):
        with _copying(table) as batch:
            for t, column, referred in FOREIGN_KEYS:
                if t == table:
                    batch.drop_constraint(_fk_name(t, column, referred), type_="foreignkey")
    with _copying("custom_field_association") as batch:
        batch.drop_constraint("uq_custom_field_association_placement_name_key", type_="unique")
        batch.drop_column("name_key")
    with _copying("custom_field") as batch:
        batch.drop_column("name_key")
    op.drop_index("uq_lead_status_organization_id_label_key", table_name="lead_status")
    op.drop_column("lead_status", "label_key")
