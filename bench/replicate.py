"""Grow a data set in SQL: copies of a seed organization's leads and everything on them.

Building a million leads through leadbase's bulk path takes ~40 minutes per database on two
cores. Instead a seed slice (~10k leads with contacts, opportunities, tasks, custom objects and
activities) goes in through leadbase itself, so every row shape is one leadbase wrote, and this
module copies it with `INSERT ... SELECT`, one statement per table per group of copies:

- ids keep their prefix and length; copy k adds k to the first two characters after the prefix
  read as a base62 number (mod 62 * 62), so no copy maps an id onto itself or onto another
  copy's, and the other random characters keep different seed ids apart. References
  between copied rows (a contact's lead_id, an activity's contact_id...) are mapped the same
  way, so each copy is a consistent organization slice; ids of shared rows (statuses, users,
  field definitions) do not carry a copied prefix and stay as they are;
- datetimes move by k steps of (seed spacing / copies), so copies fill the gaps between seed
  leads and the organization still spans the seed's three years; dates (date_won) move by a
  few days; lead names get the copy's number; two custom values (a number and a date) shift, so
  ranges and sorts do not see 100 equal values;
- the database's own triggers keep the lead counters and lead_activity_count as for any insert.

Events are not copied: the change log of the copies would be ~5 rows per lead and no scenario
reads it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Date

from bench.databases import Database
from leadbase.core.ids import BASE62
from leadbase.db.models import metadata
from leadbase.db.types import UTCDateTime

# Tables whose rows hang off a lead (by `lead_id`, or the lead itself): what a copy holds.
COPIED = ("lead", "contact", "custom_object", "opportunity", "task", "activity")
# Copies per statement: a transaction of ~10 copies of a 10k-lead seed (~100k leads).
GROUP = 10
# Custom values that shift per copy, by the data set's field names.
NUMBER_SHIFT = ("Revenue", 104_729, 10_000_000)  # (field, step per copy, modulo)
DATE_SHIFT = "Founded"


class Dialect:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self.sqlite = db.kind == "sqlite"

    def remap(self, column: str, prefixes: list[str]) -> str:
        find = "instr" if self.sqlite else "strpos"
        cut = f"{find}({column}, '_')"
        head = f"substr({column}, 1, {cut})"
        # The two characters after the prefix, as a number in base62, plus k (mod 62 * 62).
        digits = [f"({find}('{BASE62}', substr({column}, {cut} + {i}, 1)) - 1)" for i in (1, 2)]
        moved = f"((62 * {digits[0]} + {digits[1]} + ks.k) % 3844)"
        chars = f"substr('{BASE62}', {moved} / 62 + 1, 1) || substr('{BASE62}', {moved} % 62 + 1, 1)"
        mapped = f"{head} || {chars} || substr({column}, {cut} + 3)"
        listed = ", ".join(f"'{p}'" for p in prefixes)
        return f"CASE WHEN {head} IN ({listed}) THEN {mapped} ELSE {column} END"

    def shift_seconds(self, column: str) -> str:
        if self.sqlite:
            # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff': move the whole seconds, keep the fraction.
            return (
                f"strftime('%Y-%m-%d %H:%M:%S', substr({column}, 1, 19), '+' || ks.secs || ' seconds') "
                f"|| substr({column}, 20)"
            )
        return f"{column} + ks.secs * interval '1 second'"

    def shift_days(self, column: str, days: str = "ks.days") -> str:
        if self.sqlite:
            # A signed modifier: '+5 days', '-328 days' ('+-328 days' would be NULL).
            return f"date({column}, printf('%+d days', {days}))"
        return f"{column} + {days}"

    def custom(self, column: str, number_id: str | None, date_id: str | None) -> str:
        expr = column
        if number_id:
            _, step, modulo = NUMBER_SHIFT
            if self.sqlite:
                value = f"json_extract({expr}, '$.{number_id}')"
                shifted = f"json_replace({expr}, '$.{number_id}', ({value} + ks.k * {step}) % {modulo})"
                expr = (
                    f"CASE WHEN json_type({expr}, '$.{number_id}') = 'integer' THEN {shifted} ELSE {expr} END"
                )
            else:
                value = f"({expr} ->> '{number_id}')::bigint"
                shifted = (
                    f"jsonb_set({expr}, '{{{number_id}}}', to_jsonb(({value} + ks.k * {step}) % {modulo}))"
                )
                kind = f"jsonb_typeof({expr} -> '{number_id}')"
                expr = f"CASE WHEN {kind} = 'number' THEN {shifted} ELSE {expr} END"
        if date_id:
            if self.sqlite:
                value = f"json_extract({expr}, '$.{date_id}')"
                shifted = f"json_replace({expr}, '$.{date_id}', {self.shift_days(value, 'ks.fdays')})"
                expr = f"CASE WHEN json_type({expr}, '$.{date_id}') = 'text' THEN {shifted} ELSE {expr} END"
            else:
                value = f"({expr} ->> '{date_id}')::date"
                shifted = f"jsonb_set({expr}, '{{{date_id}}}', to_jsonb(({value} + ks.fdays)::text))"
                expr = (
                    f"CASE WHEN jsonb_typeof({expr} -> '{date_id}') = 'string' THEN {shifted} ELSE {expr} END"
                )
        return expr


def _select_list(
    table: str, dialect: Dialect, prefixes: list[str], lead_fields: dict[str, str]
) -> tuple[list[str], list[str]]:
    """The table's columns and, for each, the expression that makes copy k's value."""
    columns: list[str] = []
    exprs: list[str] = []
    for column in metadata.tables[table].columns:
        name = column.name
        source = f"t.{name}"
        if name == "organization_id":
            expr = source
        elif name == "id" or name.endswith("_id"):
            expr = dialect.remap(source, prefixes)
        elif isinstance(column.type, UTCDateTime):
            expr = dialect.shift_seconds(source)
        elif isinstance(column.type, Date):
            expr = dialect.shift_days(source)
        elif table == "lead" and name == "name":
            expr = f"{source} || ks.suffix"
        elif table == "lead" and name == "custom":
            expr = dialect.custom(source, lead_fields.get(NUMBER_SHIFT[0]), lead_fields.get(DATE_SHIFT))
        else:
            expr = source
        columns.append(name)
        exprs.append(expr)
    return columns, exprs


def replicate(
    db: Database,
    organization_id: str,
    target: int,
    lead_fields: dict[str, str],
    log: Callable[[str], None],
    *,
    drop_indexes: bool = False,
) -> dict[str, Any]:
    """Copy the organization's leads (and their rows) until it has `target` leads.

    Returns {"seconds": ..., "rows": {table: rows added}}. The last copy may be partial: it
    takes the seed's oldest leads."""
    dialect = Dialect(db)
    p = db.param
    conn = db.connect()
    started = time.perf_counter()
    added: dict[str, int] = {}
    counted = 0
    try:
        if dialect.sqlite:
            conn.execute("PRAGMA cache_size = -400000")  # ~400 MB: the random-id indexes stay in memory
            conn.execute("PRAGMA temp_store = MEMORY")
        else:
            conn.execute("SET synchronous_commit = off")
            # Row triggers (the lead counter, lead_activity_count) and foreign-key checks off for
            # this session: one plpgsql call per row would triple the copy's time. The copies'
            # lead_activity_count rows are copied like any lead's rows, and the counter is
            # raised once at the end.
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET maintenance_work_mem = '256MB'")
            conn.execute("SET work_mem = '64MB'")
        seed = conn.execute(
            f"SELECT count(*), min(date_created), max(date_created) FROM lead WHERE organization_id = {p}",
            [organization_id],
        ).fetchone()
        seed_count = int(seed[0])
        if seed_count == 0 or target <= seed_count:
            return {"seconds": 0.0, "rows": {}, "copies": 0, "seed": seed_count}
        copies = -(-target // seed_count) - 1  # whole or partial copies beyond the seed
        if copies >= 62 * 62:
            raise ValueError(f"{copies} copies: the seed is too small for {target} leads")
        first, last = seed[1], seed[2]
        if isinstance(first, str):
            from datetime import datetime

            first, last = datetime.fromisoformat(first), datetime.fromisoformat(last)
        spacing = (last - first).total_seconds() / max(seed_count - 1, 1)
        step = spacing / (copies + 1)
        prefixes = []
        for table in COPIED:
            row = conn.execute(
                f"SELECT id FROM {table} WHERE organization_id = {p} LIMIT 1", [organization_id]
            ).fetchone()
            if row is not None:
                prefixes.append(row[0][: row[0].index("_") + 1])
        _scratch(conn, dialect, organization_id, p)
        # Secondary indexes go while the rows go in, and are built again after, in one sort each:
        # inserting ~6M rows into 20 random-keyed indexes costs more than building them.
        indexes = _drop_indexes(conn, dialect, (*COPIED, "lead_activity_count")) if drop_indexes else []
        ks_rows = []
        for k in range(1, copies + 1):
            upto = min(seed_count, target - k * seed_count)
            # Datetimes move by whole seconds (SQLite keeps the fraction as text).
            # At least k seconds: copy k is always later than copy k - 1 (a seed made in one second).
            secs = max(k, round(k * step))
            ks_rows.append((k, secs, k % 45, (k * 37) % 730 - 365, f" {k + 1}", upto))
        for ks_row in ks_rows:
            conn.execute(f"INSERT INTO ks VALUES ({', '.join([p] * 6)})", ks_row)
        tables = COPIED if dialect.sqlite else (*COPIED, "lead_activity_count")
        for low in range(1, copies + 1, GROUP):
            high = min(copies, low + GROUP - 1)
            _begin(conn, dialect)
            for table in tables:
                columns, exprs = _select_list(table, dialect, prefixes, lead_fields)
                link = "t.id" if table == "lead" else "t.lead_id"
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} "
                    f"FROM seed_{table} t JOIN seed_pos sp ON sp.id = {link} "
                    f"JOIN ks ON sp.pos < ks.upto WHERE ks.k BETWEEN {low} AND {high}"
                )
                cursor = conn.execute(sql)
                added[table] = added.get(table, 0) + max(cursor.rowcount, 0)
            if not dialect.sqlite:
                _count_leads(conn, organization_id, added["lead"] - counted)
                counted = added["lead"]
            conn.execute("COMMIT")
            done = min(target, seed_count * (high + 1))
            elapsed = time.perf_counter() - started
            rate = (done - seed_count) / elapsed
            log(f"    replicated to {done} leads in {elapsed:.0f}s ({rate:.0f} leads/s)")
        rebuilt = time.perf_counter()
        for sql in indexes:
            conn.execute(sql)
        log(f"    {len(indexes)} indexes built again in {time.perf_counter() - rebuilt:.0f}s")
    finally:
        conn.close()
    return {"seconds": time.perf_counter() - started, "rows": added, "copies": copies, "seed": seed_count}


def _count_leads(conn: Any, organization_id: str, added: int) -> None:
    """What the lead counter's trigger would have added, in one of its slots (PostgreSQL)."""
    conn.execute(
        "INSERT INTO object_count (organization_id, table_name, slot, n) VALUES (%s, 'lead', 0, %s) "
        "ON CONFLICT (organization_id, table_name, slot) DO UPDATE SET n = object_count.n + excluded.n",
        [organization_id, added],
    )


def _drop_indexes(conn: Any, dialect: Dialect, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' non-unique secondary indexes; the statements that make them again."""
    marks = ", ".join(f"'{t}'" for t in tables)
    if dialect.sqlite:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({marks})"
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            f"AND indexdef NOT LIKE 'CREATE UNIQUE%' AND tablename IN ({marks})"
        ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def _begin(conn: Any, dialect: Dialect) -> None:
    conn.execute("BEGIN IMMEDIATE" if dialect.sqlite else "BEGIN")


def _scratch(conn: Any, dialect: Dialect, organization_id: str, p: str) -> None:
    """Temporary tables: the seed rows of each copied table, each seed lead's position, and the copies."""
    for table in ("ks", "seed_pos", "seed_lead_activity_count", *(f"seed_{t}" for t in COPIED)):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for table in (*COPIED, "lead_activity_count"):
        conn.execute(
            f"CREATE TEMP TABLE seed_{table} AS SELECT * FROM {table} WHERE organization_id = {p}",
            [organization_id],
        )
    conn.execute(
        "CREATE TEMP TABLE seed_pos AS SELECT id, row_number() OVER (ORDER BY date_created, id) - 1 AS pos "
        "FROM seed_lead"
    )
    conn.execute("CREATE INDEX seed_pos_id ON seed_pos (id)")
    secs = "INTEGER" if dialect.sqlite else "BIGINT"
    conn.execute(
        f"CREATE TEMP TABLE ks (k INTEGER, secs {secs}, days INTEGER, fdays INTEGER, "
        "suffix TEXT, upto INTEGER)"
    )
