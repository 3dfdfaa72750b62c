"""Hand-written SQL through the driver leadbase uses: the raw side of every ratio."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.databases import Database

LEAD_COLUMNS = (
    "id, organization_id, name, description, url, status_id, addresses, custom, date_created, "
    "date_updated, created_by, updated_by"
)
CONTACT_COLUMNS = (
    "id, organization_id, lead_id, name, title, emails, phones, urls, custom, date_created, "
    "date_updated, created_by, updated_by"
)


def page(
    db: Database,
    conn: Any,
    where: str,
    params: list[Any],
    order: str = "l.date_created, l.id",
    limit: int = 100,
    skip: int = 0,
    count: bool = False,
    whole: bool = False,
    next_page: bool = False,
) -> list[str]:
    """One page of leads with their contacts, as a hand-written pair of statements; the lead ids.

    With `count`, also the number of matching leads (GET /lead/ answers total_results). With
    `whole`, also the leads' opportunities and open tasks: the rows a whole lead of `GET /lead/`
    (without `_fields`) shows besides its contacts. With `next_page`, one lead more is read and
    left out of the page: whether another page follows, which a cursor (`POST /data/search/`)
    answers as `total_results` does for `GET /lead/`."""
    p = db.param
    if count:
        conn.execute(f"SELECT count(*) FROM lead l WHERE l.organization_id = {p} {where}", params).fetchone()
    cols = ", ".join("l." + c.strip() for c in LEAD_COLUMNS.split(","))
    sql = (
        f"SELECT {cols} FROM lead l WHERE l.organization_id = {p} {where} ORDER BY {order} "
        f"LIMIT {limit + 1 if next_page else limit} OFFSET {skip}"
    )
    rows = conn.execute(sql, params).fetchall()[:limit]
    ids = [r[0] for r in rows]
    if ids:
        marks = ", ".join([p] * len(ids))
        conn.execute(
            f"SELECT {CONTACT_COLUMNS} FROM contact WHERE organization_id = {p} AND lead_id IN ({marks})",
            [params[0], *ids],
        ).fetchall()
        if whole:
            conn.execute(
                f"SELECT * FROM opportunity WHERE organization_id = {p} AND lead_id IN ({marks})",
                [params[0], *ids],
            ).fetchall()
            open_tasks = f"lead_id IN ({marks}) AND NOT is_complete"
            conn.execute(
                f"SELECT * FROM task WHERE organization_id = {p} AND {open_tasks}", [params[0], *ids]
            ).fetchall()
    return ids


def timed(fn: Callable[[], Any], seconds: float, min_runs: int = 5, max_runs: int = 100_000) -> list[float]:
    """Latency samples (ms) of calling fn back to back for about `seconds`."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while (len(samples) < min_runs or time.perf_counter() < deadline) and len(samples) < max_runs:
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def json_field(db: Database, column: str, field_id: str) -> str:
    """The SQL expression of one custom value inside a JSON column."""
    if db.kind == "sqlite":
        return f"json_extract({column}, '$.\"{field_id}\"')"
    return f"({column} ->> '{field_id}')"


def json_number(db: Database, column: str, field_id: str) -> str:
    if db.kind == "sqlite":
        return json_field(db, column, field_id)
    return f"({column} ->> '{field_id}')::numeric"


def json_text(db: Database, column: str) -> str:
    return column if db.kind == "sqlite" else f"{column}::text"
