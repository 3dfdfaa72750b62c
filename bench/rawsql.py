"""Hand-written SQL through the driver leadbase uses: the raw side of every ratio."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.databases import Database
from leadbase.resources.common import RECENT_CALLS_WINDOW

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
    `whole`, also the rows a whole lead of `GET /lead/` (without `_fields`) shows besides its
    contacts: its opportunities, its open tasks, its calls of the last day (`recent_calls`), and
    whether the organization has unsubscribed any address (when it has none, as here, no email
    of the page needs looking up). With `next_page`, one lead more is read and
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
            conn.execute(
                f"SELECT id, lead_id, contact_id, status, activity_at, date_created, payload FROM activity "
                f"WHERE organization_id = {p} AND lead_id IN ({marks}) AND type = 'Call' "
                f"AND date_created >= {p} ORDER BY date_created DESC",
                [params[0], *ids, _recent_calls_since(db)],
            ).fetchall()
            conn.execute(
                f"SELECT 1 FROM unsubscribed_email WHERE organization_id = {p} LIMIT 1", [params[0]]
            ).fetchall()
    return ids


def _recent_calls_since(db: Database) -> Any:
    """The start of `recent_calls`' window, as each database stores datetimes (SQLite: naive UTC text)."""
    since = datetime.now(UTC) - RECENT_CALLS_WINDOW
    return since if db.kind == "postgres" else since.strftime("%Y-%m-%d %H:%M:%S.%f")


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
