"""The search scenario: issue 11's query set through every API form against hand-written SQL.

For each query and organization size, the raw SQL page is measured, then each API form
(`GET /lead/` with filters, `POST /data/search/` with Close's JSON) that answers the same rows:
p50/p95 and p95 over the raw p95, runs alternating with the raw side. A form whose route is not
served (404) is reported as "not served yet", one that answers other rows as such; neither
stops the others.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from bench import machine, rawsql, servers, wrk
from bench.prepare import Org
from bench.search_queries import Query, queries
from bench.stats import Figure, Result, median, percentile, ratios


def _status_ids(ctx: Any, org: Org) -> dict[str, str]:
    conn = ctx.db.connect()
    try:
        rows = conn.execute(
            ctx.db.sql("SELECT label, id FROM lead_status WHERE organization_id = ?"), [org.organization_id]
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: r[1] for r in rows}


def _api_ids(
    port: int, org: Org, method: str, path: str, body: dict[str, Any] | None, sort_key: str | None
) -> tuple[int, list[Any]]:
    headers = {"Authorization": org.auth, "Content-Type": "application/json"}
    status, data = servers.request(
        port, method, path, headers=headers, body=json.dumps(body).encode() if body else None
    )
    try:
        decoded = json.loads(data)
    except ValueError:
        return status, []
    items = decoded.get("data", []) if isinstance(decoded, dict) else []
    if sort_key:
        return status, [i.get(f"custom.{sort_key}") for i in items]
    return status, [i.get("id") for i in items]


def _sort_values(ctx: Any, conn: Any, ids: list[str], field_id: str) -> list[Any]:
    if not ids:
        return []
    p = ctx.db.param
    marks = ", ".join([p] * len(ids))
    rows = conn.execute(
        f"SELECT id, {rawsql.json_field(ctx.db, 'custom', field_id)} FROM lead WHERE id IN ({marks})", ids
    ).fetchall()
    by_id = dict(rows)
    return [by_id[i] for i in ids]


# The text each kind of object has in `text_index`: the migration's own expressions, which its
# triggers also use (a module name starting with a digit: imported by name).
_FULL_TEXT = importlib.import_module("leadbase.migrations.versions.2026_11_30_7c2d4e6f8a10_full_text_index")


def fill_text_index(ctx: Any, conn: Any, org: Org) -> int:
    """Index the words of the organization's objects that have no row in `text_index` yet: the
    rows replicate.py copied with PostgreSQL's row triggers off. What an operator runs after a
    load that bypassed the triggers; a no-op when the index is complete. The rows added."""
    dialect = "postgresql" if ctx.db.kind == "postgres" else "sqlite"
    p = ctx.db.param
    added = 0
    for kind, body in _FULL_TEXT._bodies(dialect, "t").items():
        types = f" AND t.type IN ({_FULL_TEXT.TYPES_SQL})" if kind == "activity" else ""
        cursor = conn.execute(
            "INSERT INTO text_index (organization_id, object_id, lead_id, kind, body) "
            f"SELECT t.organization_id, t.id, t.{_FULL_TEXT.LEAD_OF[kind]}, '{kind}', {body} FROM {kind} t "
            f"WHERE t.organization_id = {p}{types} "
            "AND NOT EXISTS (SELECT 1 FROM text_index x WHERE x.object_id = t.id)",
            [org.organization_id],
        )
        added += max(cursor.rowcount, 0)
    if added and ctx.db.kind == "postgres":
        # The trigger filled `lead_word` too: without a VACUUM, its index-only count reads the
        # heap for every entry (620 ms against 20 for a common last name at a million leads).
        for name in ("text_index", "lead_word", "lead_word_key"):
            conn.execute(f"VACUUM ANALYZE {name}")
    return added


_CUSTOM_VALUES = importlib.import_module(
    "leadbase.migrations.versions.2026_12_02_d3f9a2c7e5b1_custom_value_counts"
)


def fill_custom_values(ctx: Any, conn: Any, org: Org) -> int:
    """PostgreSQL: the `custom_value` rows of the organization's objects that have none yet (the
    rows replicate.py copied with row triggers off), with the migration's own expressions; a
    no-op when they are complete. The rows added."""
    if ctx.db.kind != "postgres":
        return 0
    added = 0
    for table in _CUSTOM_VALUES.TABLES:
        rows = _CUSTOM_VALUES.rows_of("t", table, read=f"{table} t, ")
        cursor = conn.execute(
            f"{_CUSTOM_VALUES.INSERT}{rows} AND t.organization_id = {ctx.db.param} "
            "AND NOT EXISTS (SELECT 1 FROM custom_value x WHERE x.object_id = t.id)",
            [org.organization_id],
        )
        added += max(cursor.rowcount, 0)
    if added:
        conn.execute("VACUUM ANALYZE custom_value")
    return added


def _form(method: str, path: str) -> str:
    return f"{method} {path.removeprefix('/api/v1').split('?')[0]}"


def search(ctx: Any) -> Result:
    from bench.scenarios import _ok

    res = Result("search", ctx.db.kind)
    cfg = ctx.cfg
    conn = ctx.db.connect()
    try:
        with servers.serve_leadbase(ctx.db.url, cfg.workers, ctx.server_log("search")) as lb:
            for key, size in (("small", ctx.state.small), ("big", ctx.state.leads)):
                org = ctx.org(key)
                filled = fill_text_index(ctx, conn, org)
                if filled:
                    res.notes.append(
                        f"{filled} objects of the {size}-lead organization added to the full-text index "
                        "first (copied in SQL with row triggers off)"
                    )
                filled = fill_custom_values(ctx, conn, org)
                if filled:
                    res.notes.append(
                        f"{filled} custom values of the {size}-lead organization's objects added to "
                        "custom_value first (copied in SQL with row triggers off)"
                    )
                for q in queries(ctx, org, _status_ids(ctx, org)):
                    _one(ctx, res, conn, lb, org, q, f"{q.name} @ {size} leads", _ok)
    finally:
        conn.close()
    res.notes.append(
        "each query: first page of 100 leads with their contacts; API answers checked equal to raw rows; "
        "1-min load average noted on each raw p50 figure"
    )
    return res


def _one(ctx: Any, res: Result, conn: Any, lb: Any, org: Org, q: Query, label: str, _ok: Any) -> None:
    cfg = ctx.cfg
    if q.missing:
        line = f"not available yet: {q.name}: needs {q.missing}"
        if line not in res.unavailable:
            res.unavailable.append(line)
        return
    params = [org.organization_id, *q.raw_params]

    def raw_call() -> list[str]:
        return rawsql.page(ctx.db, conn, q.raw_where, params, order=q.raw_order)

    ids = raw_call()
    expected: list[Any] = _sort_values(ctx, conn, ids, q.sort_key) if q.sort_key else ids
    measured = False
    for method, path, body in q.api_forms:
        form = _form(method, path)
        status, got = _api_ids(lb.port, org, method, path, body, q.sort_key)
        if status == 404:
            res.unavailable.append(f"not served yet: {label} via {form} (404)")
            continue
        if status != 200 or got != expected:
            answer = f"answered {status}" if status != 200 else "answers other rows than the SQL"
            res.unavailable.append(f"not comparable: {label} via {form} {answer}")
            continue
        measured = True
        # GET /lead/ answers total_results: the same answer by hand counts too. Without
        # `_fields` it answers whole leads: by hand, their opportunities and open tasks too.
        # POST /data/search/ answers a cursor, or null when no page follows: by hand, the
        # page's query reads one lead more.
        counted = method == "GET"
        whole = counted and "_fields=" not in path

        def raw_answer(counted: bool = counted, whole: bool = whole) -> list[str]:
            where, order = q.raw_where, q.raw_order
            return rawsql.page(
                ctx.db, conn, where, params, order=order, count=counted, whole=whole, next_page=not counted
            )

        api_p50, api_p95, raw_p50, raw_p95, loads = [], [], [], [], []
        for _ in range(cfg.repeats):
            run = wrk.run(
                lb.base_url,
                [path],
                seconds=cfg.seconds,
                connections=1,
                method=method,
                bodies=[json.dumps(body)] if body else None,
                authorization=org.auth,
            )
            _ok(run, label, res)
            api_p50.append(run.p50_ms)
            api_p95.append(run.p95_ms)
            samples = rawsql.timed(raw_answer, cfg.seconds)
            raw_p50.append(percentile(samples, 50))
            raw_p95.append(percentile(samples, 95))
            loads.append(machine.load_1min())
        name = f"{label} via {form}"
        if min(api_p50) <= 0:
            # wrk reports latencies of completed requests only: none completed in a run.
            res.unavailable.append(
                f"too slow to measure: {name}: no request completed within a {cfg.seconds:g} s run "
                f"(raw SQL p50 {median(raw_p50):.0f} ms)"
            )
            continue
        res.add(Figure(f"{name}: API p50", "ms", api_p50))
        res.add(Figure(f"{name}: API p95", "ms", api_p95, "< 50 ms", median(api_p95) < 50))
        counted_note = "with the total count, as the API answers; "
        if not counted:
            counted_note = "reading one row more, for the cursor; "
        res.add(
            Figure(
                f"{name}: raw SQL p50",
                "ms",
                raw_p50,
                note=f"{counted_note}{len(ids)} rows; load " + ", ".join(f"{x:.1f}" for x in loads),
            )
        )
        res.add(Figure(f"{name}: raw SQL p95", "ms", raw_p95))
        rel = ratios(api_p95, raw_p95)
        res.add(Figure(f"{name}: API p95 / raw p95", "x", rel, "<= 3x", median(rel) <= 3 if rel else None))
    if not measured:
        # The raw side is still worth knowing: the floor an engine starts from.
        samples = rawsql.timed(raw_call, min(cfg.seconds, 3))
        res.add(
            Figure(
                f"{label}: raw SQL p50 (no API form to compare yet)",
                "ms",
                [percentile(samples, 50)],
                note=f"{len(ids)} rows; load {machine.load_1min():.1f}",
            )
        )
        res.add(Figure(f"{label}: raw SQL p95 (no API form to compare yet)", "ms", [percentile(samples, 95)]))
