"""One index per custom field and kind of object it applies to, so that search does not scan.

A field's values live in the `custom` JSON of its objects' table. For each table a field is
placed on, it gets an expression index on the very expression search compiles (custom_fields/
sql.py, paths inline), restricted to its organization by a partial-index predicate:

- single values: a b-tree on the value as a number (number fields) or as text (the others),
  descending with nulls last, then the id: ranges, equality and the usual "latest first" sort
  with its id tie-breaker come from the index on both databases. Each has an ascending twin
  (variants `na`, `ta`): a sort puts rows without a value last in both directions, and a
  backward scan of the descending index would put them first. PostgreSQL also gets
  statistics on the expression (`CREATE STATISTICS`, prefix `cfs_`), since the planner reads
  none from a partial index: without them a filter matching most rows was planned as if it
  matched a few (an index scan and a sort of most of the table instead of the date order);
- multiple values (PostgreSQL): a GIN index on the field's JSON value, which answers the `@>`
  containment a term compiles to; SQLite has no such index, and searches the lists;
- a free text (text, textarea, hidden) is searched by equality (an external id), exact or case
  aside (`"custom.Account code" = "AC-1"` in a query string): besides its value, an index of its
  lowered value (variant `l`). On PostgreSQL both hold its short values alone (variants `s`
  and `l`, up to sql.LONGEST_INDEXED_TEXT bytes, in the predicate): a b-tree entry holds at
  most about 2,700 bytes, and a longer value in the index would refuse the object's write
  (a pasted document in a text field). A sort or a range on such a field there reads the
  organization's rows.

The predicate `organization_id = '<id>'` keeps each index to the rows of the field's
organization: a server with many organizations gets many small indexes instead of many
indexes over every row (and a row's insert only evaluates the predicates of others). The
search compiler writes the organization id inline for the planner to prove it.

Indexes follow the definitions: `sync_field_indexes` after a field is created, placed,
unplaced, changes type or is deleted (in the request's transaction: DDL is transactional on
both databases). Names are `cfx_<table>_<variant>_<field id without cf_>`, at most 63 characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, text
from sqlalchemy.sql.elements import ColumnElement

from leadbase.custom_fields import sql
from leadbase.custom_fields.definitions import (
    ACTIVITY_TYPE,
    CONTACT,
    LEAD,
    OBJECT_TYPE,
    OPPORTUNITY,
    org_definitions,
)
from leadbase.custom_fields.types import field_type
from leadbase.db.context import Context
from leadbase.db.inline import constant, is_generated_id
from leadbase.db.models import activity, contact, custom_object, lead, opportunity

# Where each association object_type keeps its values, with a short code for index names.
TABLES: dict[str, tuple[Table, str]] = {
    LEAD: (lead, "lead"),
    CONTACT: (contact, "cont"),
    OPPORTUNITY: (opportunity, "oppo"),
    ACTIVITY_TYPE: (activity, "acti"),
    OBJECT_TYPE: (custom_object, "cobj"),
}
VARIANTS = ("n", "t", "m", "na", "ta", "s", "l")
PREFIX = "cfx_"
STATISTICS_PREFIX = "cfs_"


@dataclass(frozen=True)
class FieldIndex:
    """The index one field needs on one table."""

    organization_id: str
    field_id: str
    table: Table
    code: str
    # n: number value, t: text value, m: the JSON value (multi-value fields, PostgreSQL only);
    # na, ta: the ascending twins of n and t; s: the short values of a free text (PostgreSQL);
    # l: a free text's values lowercased (on PostgreSQL, its short ones).
    variant: str

    @property
    def name(self) -> str:
        return index_name(self.code, self.variant, self.field_id)

    @property
    def statistics(self) -> str | None:
        """The name of the expression statistics that go with the index (PostgreSQL, n and t)."""
        return statistics_name(self.name) if self.variant in ("n", "t", "s", "l") else None

    def create(self, conn: Connection) -> None:
        dialect = conn.dialect.name
        column = self.table.c.custom
        where = _sql(conn, self.table.c.organization_id == constant(self.organization_id))
        if self.variant == "m":
            columns = f"({_sql(conn, sql.member(column, self.field_id))}) jsonb_path_ops"
            using = " USING gin"
        elif self.variant in ("s", "l"):
            columns = f"({_sql(conn, self.value(dialect))})"
            if dialect == sql.POSTGRESQL:
                where += " AND " + _sql(conn, sql.short_text(column, self.field_id))
            using = ""
        else:
            value = _sql(conn, self.value(dialect))
            # Search orders by `value DESC NULLS LAST, id` for a descending sort and by
            # `value ASC NULLS LAST, id` (PostgreSQL's default order: the twin) for an ascending
            # one; SQLite's NULLs are the smallest values, so DESC puts them last.
            if self.variant in ("na", "ta"):
                # Search's ascending order: PostgreSQL's default (ASC NULLS LAST); SQLite
                # orders by `value IS NULL` first (search/cursors.py SortKey.null_flag).
                columns = (
                    f"({value}), id" if dialect == sql.POSTGRESQL else f"({value}) IS NULL, ({value}), id"
                )
            else:
                nulls = " NULLS LAST" if dialect == sql.POSTGRESQL else ""
                columns = f"({value}) DESC{nulls}, id"
            using = ""
        # Every constant in it is a checked id or a fixed word (db/inline.py).
        conn.execute(
            text(f'CREATE INDEX "{self.name}" ON {self.table.name}{using} ({columns}) WHERE {where}')
        )
        if self.statistics is not None and dialect == sql.POSTGRESQL:
            self.create_statistics(conn)

    def value(self, dialect: str) -> ColumnElement[Any]:
        """The expression a single-value index holds (the one search compiles)."""
        column = self.table.c.custom
        if self.variant.startswith("n"):
            return sql.number_value(column, self.field_id, dialect)
        if self.variant == "l":
            return sql.lowered_text(column, self.field_id, dialect)
        return sql.text_value(column, self.field_id, dialect)

    def create_statistics(self, conn: Connection) -> None:
        """Statistics on the indexed expression, filled by the next ANALYZE (autovacuum's or an
        operator's). Over the whole table, not the organization: rows of others count as
        without a value, which still tells a range matching most values from one matching few."""
        value = _sql(conn, self.value(conn.dialect.name))
        conn.execute(
            text(f'CREATE STATISTICS IF NOT EXISTS "{self.statistics}" ON ({value}) FROM {self.table.name}')
        )


def _sql(conn: Connection, expression: ColumnElement[Any]) -> str:
    """An expression as index DDL writes it: constants inline, columns without their table."""
    compiled = expression.compile(conn, compile_kwargs={"literal_binds": True, "include_table": False})
    return str(compiled)


def index_name(code: str, variant: str, field_id: str) -> str:
    return f"{PREFIX}{code}_{variant}_{field_id.removeprefix('cf_')}"


def statistics_name(index: str) -> str:
    return STATISTICS_PREFIX + index.removeprefix(PREFIX)


def drop_index(conn: Connection, name: str) -> None:
    """Drop a field index (the name from the catalog or `index_name`) and its statistics."""
    # Quoted: ids are mixed case; built from a checked id (letters, digits, underscores).
    conn.execute(text(f'DROP INDEX "{name}"'))
    if conn.dialect.name == sql.POSTGRESQL:
        conn.execute(text(f'DROP STATISTICS IF EXISTS "{statistics_name(name)}"'))


def wanted_indexes(
    conn: Connection,
    organization_id: str,
    field_id: str,
    field_type_name: str,
    multiple: bool,
    object_types: Iterable[str],
) -> list[FieldIndex]:
    """The indexes a field needs where it is placed (none for ids leadbase did not generate,
    which are never written into SQL)."""
    if not (is_generated_id(organization_id) and is_generated_id(field_id)):
        return []
    kind = field_type(field_type_name)
    if multiple:
        if conn.dialect.name != sql.POSTGRESQL:
            return []
        variants = ["m"]
    elif kind.free_text and conn.dialect.name == sql.POSTGRESQL:
        variants = ["s", "l"]
    else:
        variant = "n" if kind.ordering == "number" else "t"
        variants = [variant, variant + "a"] + (["l"] if kind.free_text else [])
    found = []
    for object_type in sorted(set(object_types)):
        if object_type in TABLES:
            table, code = TABLES[object_type]
            found += [FieldIndex(organization_id, field_id, table, code, v) for v in variants]
    return found


def existing_indexes(conn: Connection, field_id: str) -> set[str]:
    """Which of the names a field's indexes could have exist now (one catalog query)."""
    names = [index_name(code, v, field_id) for _, code in TABLES.values() for v in VARIANTS]
    if conn.dialect.name == sql.POSTGRESQL:
        catalog = text(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN :names"
        )
    else:
        catalog = text("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN :names")
    stmt = catalog.bindparams(bindparam("names", expanding=True))
    return {row[0] for row in conn.execute(stmt, {"names": names})}


def apply_indexes(conn: Connection, field_id: str, wanted: list[FieldIndex]) -> None:
    """Create the wanted indexes that are missing; drop the field's others."""
    present = existing_indexes(conn, field_id)
    keep = {index.name for index in wanted}
    for name in sorted(present - keep):
        drop_index(conn, name)
    for index in wanted:
        if index.name not in present:
            index.create(conn)


def sync_field_indexes(ctx: Context, field_id: str) -> None:
    """Bring a field's indexes in line with its current definition and associations (a deleted
    or unplaced field keeps none)."""
    if not is_generated_id(field_id):
        return
    definitions = org_definitions(ctx)
    row = definitions.rows.get(field_id)
    wanted: list[FieldIndex] = []
    if row is not None:
        wanted = wanted_indexes(
            ctx.conn,
            ctx.organization_id,
            field_id,
            row["type"],
            bool(row["accepts_multiple_values"]),
            (a.placement.object_type for a in definitions.associations_of(field_id)),
        )
    apply_indexes(ctx.conn, field_id, wanted)


def _organization_indexes(conn: Connection, organization_id: str) -> set[str]:
    """The names of every field index whose predicate is this organization (one catalog query)."""
    if conn.dialect.name == sql.POSTGRESQL:
        catalog = text(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname LIKE :prefix AND indexdef LIKE :org"
        )
    else:
        catalog = text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE :prefix AND sql LIKE :org"
        )
    params = {"prefix": PREFIX + "%", "org": f"%'{organization_id}'%"}
    return {row[0] for row in conn.execute(catalog, params)}


def _all_wanted(conn: Connection, organization_id: str | None) -> dict[str, list[FieldIndex]]:
    """The indexes each field of the organization (of all with None) wants, by field id."""
    field_query = "SELECT id, organization_id, type, accepts_multiple_values FROM custom_field"
    placed_query = "SELECT field_id, object_type FROM custom_field_association"
    params: dict[str, str] = {}
    if organization_id is not None:
        field_query += " WHERE organization_id = :org"
        placed_query += " WHERE field_id IN (SELECT id FROM custom_field WHERE organization_id = :org)"
        params["org"] = organization_id
    fields = conn.execute(text(field_query + " ORDER BY id"), params).all()
    placed: dict[str, list[str]] = {}
    for field_id, object_type in conn.execute(text(placed_query), params):
        placed.setdefault(field_id, []).append(object_type)
    return {
        field_id: wanted_indexes(conn, org_id, field_id, type_name, bool(multiple), placed.get(field_id, []))
        for field_id, org_id, type_name, multiple in fields
    }


def sync_organization_indexes(conn: Connection, organization_id: str | None = None) -> None:
    """Every field of the organization (of all organizations with None) gets the indexes its
    definition wants, and an organization's indexes of fields it no longer has are dropped:
    for the writes that replace an organization's fields wholesale without the field service
    (the migration that introduced these indexes; admin reset, restore, fork and delete)."""
    wanted_names: set[str] = set()
    for field_id, wanted in _all_wanted(conn, organization_id).items():
        wanted_names.update(index.name for index in wanted)
        apply_indexes(conn, field_id, wanted)
    if organization_id is not None and is_generated_id(organization_id):
        for name in sorted(_organization_indexes(conn, organization_id) - wanted_names):
            # The name came from the catalog under our prefix.
            drop_index(conn, name)


def add_statistics(conn: Connection) -> None:
    """Expression statistics for the field indexes made before they came with one (PostgreSQL),
    then ANALYZE of the tables that have any, so the planner has them at once."""
    if conn.dialect.name != sql.POSTGRESQL:
        return
    tables: set[str] = set()
    for wanted in _all_wanted(conn, None).values():
        for index in wanted:
            if index.statistics is not None:
                index.create_statistics(conn)
                tables.add(index.table.name)
    for name in sorted(tables):
        # A table name from TABLES.
        conn.execute(text(f"ANALYZE {name}"))
