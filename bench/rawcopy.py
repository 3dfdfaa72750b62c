"""Raw inserts of the rows a leadbase load wrote: the floor the bulk path is compared with."""

from __future__ import annotations

import time
from typing import Any

from bench.databases import Database
from leadbase.db.models import metadata
from leadbase.db.types import JSONDoc

CHUNK = 5000


def _columns(table: str) -> tuple[list[str], set[str]]:
    t = metadata.tables[table]
    columns = [
        c.name for c in t.columns if not (c.primary_key and c.autoincrement is True and c.name == "seq")
    ]
    json_columns = {c.name for c in t.columns if c.type is JSONDoc or "JSON" in type(c.type).__name__}
    return columns, json_columns


def copy(
    src: Database, dst: Database, organization_id: str, *, event_types: tuple[str, ...]
) -> dict[str, Any]:
    """Copy an organization's lead, contact and event rows (events of `event_types`) with plain
    executemany through the driver, a transaction per chunk of rows. Only inserting is timed.

    The organization's lead statuses go first, untimed: the leads' foreign key needs them."""
    result: dict[str, Any] = {"seconds": {}, "rows": {}}
    source = src.connect()
    target = dst.connect()
    tables = (
        ("lead_status", "position, id"),
        ("lead", "date_created, id"),
        ("contact", "date_created, id"),
        ("event", "seq"),
    )
    try:
        for table, order in tables:
            columns, json_columns = _columns(table)
            p = src.param
            select_cols = ", ".join(
                f"{c}::text" if (src.kind == "postgres" and c in json_columns) else c for c in columns
            )
            where = f"organization_id = {p}"
            params: list[Any] = [organization_id]
            if table == "event":
                where += " AND object_type IN (" + ", ".join([p] * len(event_types)) + ")"
                params += list(event_types)
            if src.kind == "postgres":
                cursor = source.cursor(name=f"copy_{table}")  # server-side: stream, do not hold all rows
                source.autocommit = False
                cursor.execute(f"SELECT {select_cols} FROM {table} WHERE {where} ORDER BY {order}", params)
            else:
                cursor = source.execute(
                    f"SELECT {select_cols} FROM {table} WHERE {where} ORDER BY {order}", params
                )
            marks = ", ".join(
                (f"{dst.param}::jsonb" if (dst.kind == "postgres" and c in json_columns) else dst.param)
                for c in columns
            )
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            seconds = 0.0
            rows = 0
            while True:
                chunk = cursor.fetchmany(CHUNK)
                if not chunk:
                    break
                started = time.perf_counter()
                if dst.kind == "sqlite":
                    target.execute("BEGIN IMMEDIATE")
                    target.executemany(insert, chunk)
                    target.execute("COMMIT")
                else:
                    with target.transaction(), target.cursor() as out:
                        out.executemany(insert, chunk)
                seconds += time.perf_counter() - started
                rows += len(chunk)
            if src.kind == "postgres":
                cursor.close()
                source.commit()
                source.autocommit = True
            if table != "lead_status":
                result["seconds"][table] = seconds
                result["rows"][table] = rows
    finally:
        source.close()
        target.close()
    return result
