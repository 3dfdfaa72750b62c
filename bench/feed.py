"""A lead's activity feed (`GET /activity/?lead_id=`) against hand-written SQL (issue 10).

Two forms: the whole feed (every type but email threads, newest first) and one type
(`_type=Note`). The raw side is the statement a person would write for the same page, plus the
comment summaries the API shows on each activity; both sides' rows are checked equal first.
"""

from __future__ import annotations

from typing import Any

from bench import machine, rawsql, servers, wrk
from bench.prepare import InProcessApi, Org
from bench.stats import Figure, Result, percentile, ratios

COLUMNS = (
    "id, organization_id, type, lead_id, contact_id, user_id, activity_at, status, source, pinned_at, "
    "custom_activity_type_id, last_published_at, direction, date_scheduled, date_sent, thread_id, "
    "lookup_key, opportunity_id, form_id, payload, custom, date_created, date_updated, created_by, "
    "updated_by"
)
LEADS = 50


def raw_feed(db: Any, conn: Any, organization_id: str, lead_id: str, kind: str | None) -> list[str]:
    """One feed page by hand: the activities, then their comment summaries (as the API shows)."""
    p = db.param
    where = f"type = {p}" if kind else f"type <> {p}"
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM activity WHERE organization_id = {p} AND lead_id = {p} AND {where} "
        "ORDER BY date_created DESC, id LIMIT 100",
        [organization_id, lead_id, kind or "EmailThread"],
    ).fetchall()
    ids = [r[0] for r in rows]
    if ids:
        marks = ", ".join([p] * len(ids))
        conn.execute(
            "SELECT t.object_id, t.id, count(c.id) FROM comment_thread t LEFT JOIN comment c "
            "ON c.thread_id = t.id AND c.removed_at IS NULL "
            f"WHERE t.organization_id = {p} AND t.object_id IN ({marks}) GROUP BY t.object_id, t.id",
            [organization_id, *ids],
        ).fetchall()
    return ids


def _leads(ctx: Any, org: Org, kind: str | None) -> list[str]:
    """LEADS leads with at least one activity of `kind` (any kind: every lead has its Created)."""
    p = ctx.db.param
    conn = ctx.db.connect()
    try:
        if kind:
            sql = (
                f"SELECT lead_id FROM activity WHERE organization_id = {p} AND type = {p} "
                f"ORDER BY id LIMIT {LEADS}"
            )
            rows = conn.execute(sql, [org.organization_id, kind]).fetchall()
        else:
            sql = f"SELECT id FROM lead WHERE organization_id = {p} ORDER BY id LIMIT {LEADS}"
            rows = conn.execute(sql, [org.organization_id]).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def feed(ctx: Any) -> Result:
    from bench.scenarios import _ok, count_statements

    res = Result("feed", ctx.db.kind)
    cfg = ctx.cfg
    org = ctx.org("big")
    forms = (("GET /activity/?lead_id=", None), ("GET /activity/?lead_id=&_type=Note", "Note"))
    cases = []
    for label, kind in forms:
        leads = _leads(ctx, org, kind)
        if not leads:
            res.unavailable.append(f"not available yet: {label} (the data set has no {kind} activities)")
            continue
        suffix = f"&_type={kind}" if kind else ""
        cases.append((label, kind, leads, [f"/api/v1/activity/?lead_id={lead}{suffix}" for lead in leads]))
    conn = ctx.db.connect()
    try:
        api = InProcessApi(ctx.db.url)
        try:
            for label, kind, leads, paths in cases:
                # Same rows on both sides, for a few leads, before anything is timed.
                for lead, path in list(zip(leads, paths, strict=True))[:5]:
                    status, body = api.call("GET", path.removeprefix("/api/v1"), org.api_key)
                    got = [a["id"] for a in body.get("data", [])] if status == 200 else None
                    want = raw_feed(ctx.db, conn, org.organization_id, lead, kind)
                    if got != want:
                        res.error = f"{label}: the API answered {status} with other rows than the raw SQL"
                        return res
                statements = count_statements(api, org.api_key, paths[0].removeprefix("/api/v1"))
                res.add(
                    Figure(
                        f"{label}: SQL statements per page",
                        "statements",
                        [float(len(statements))],
                        note="settings version, the page, comment summaries (one per activity type on it)",
                    )
                )
        finally:
            api.close()
        with servers.serve_leadbase(ctx.db.url, cfg.workers, ctx.server_log("feed")) as lb:
            for label, kind, leads, paths in cases:
                wrk.run(lb.base_url, paths, seconds=1, connections=1, authorization=org.auth)
                api_p50, api_p95, raw_p50, raw_p95, loads = [], [], [], [], []
                for _ in range(cfg.repeats):
                    run = wrk.run(
                        lb.base_url, paths, seconds=cfg.seconds, connections=1, authorization=org.auth
                    )
                    _ok(run, label, res)
                    api_p50.append(run.p50_ms)
                    api_p95.append(run.p95_ms)
                    turn = iter(range(10**9))

                    def raw(kind: str | None = kind, leads: list[str] = leads, turn: Any = turn) -> list[str]:
                        lead = leads[next(turn) % len(leads)]
                        return raw_feed(ctx.db, conn, org.organization_id, lead, kind)

                    samples = rawsql.timed(raw, cfg.seconds)
                    raw_p50.append(percentile(samples, 50))
                    raw_p95.append(percentile(samples, 95))
                    loads.append(machine.load_1min())
                load_note = "load " + ", ".join(f"{x:.1f}" for x in loads)
                res.add(Figure(f"{label} p50", "ms", api_p50, note=load_note))
                res.add(Figure(f"{label} p95", "ms", api_p95))
                res.add(Figure(f"{label}: raw SQL p50", "ms", raw_p50))
                res.add(Figure(f"{label}: raw SQL p95", "ms", raw_p95))
                rel = ratios(api_p95, raw_p95)
                res.add(Figure(f"{label}: API p95 / raw p95", "x", rel))
    finally:
        conn.close()
    res.notes.append(
        f"{ctx.state.leads} leads in the organization; {LEADS} leads' feeds in turn, one connection "
        f"(wrk -c1 -d{cfg.seconds:g}s); API rows checked equal to the raw rows; 1-min load average "
        "after each pair of runs in the p50 figure's note"
    )
    return res
