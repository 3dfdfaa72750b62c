"""Scaling out: the same lead GET from `leadbase serve --workers 1` and `--workers 2`.

Both servers run at once on one database and take turns under the same wrk load, so each pair of
runs sees the same machine. Nothing a process holds is needed by another (caches are checked
against the database on every request), so on a machine with spare cores the second worker
should add throughput until the database or the cores are the limit.
"""

from __future__ import annotations

import os

from bench import servers
from bench.scenarios import Ctx, _ok, _sample_lead_ids, alternate_loads
from bench.stats import Figure, Result, ratios

WORKER_COUNTS = (1, 2)


def workers(ctx: Ctx) -> Result:
    res = Result("workers", ctx.db.kind)
    org = ctx.org("big")
    paths = [f"/api/v1/lead/{i}/" for i in _sample_lead_ids(ctx, org, 1000)]
    cfg = ctx.cfg
    with (
        servers.serve_leadbase(ctx.db.url, 1, ctx.server_log("workers-1")) as one,
        servers.serve_leadbase(ctx.db.url, 2, ctx.server_log("workers-2")) as two,
    ):
        runs = alternate_loads({1: one, 2: two}, paths, cfg, org.auth)
    for count in WORKER_COUNTS:
        res.add(Figure(f"GET /lead/{{id}}/ with --workers {count}", "req/s", [r.rps for r in runs[count]]))
        for r in runs[count]:
            _ok(r, f"{count} workers", res)
    res.add(Figure("2 workers / 1 worker", "x", ratios([r.rps for r in runs[2]], [r.rps for r in runs[1]])))
    res.notes.append(
        f"wrk -t1 -c{cfg.connections} -d{cfg.seconds:g}s on a {os.cpu_count()}-core machine shared "
        "by wrk, the servers and (on PostgreSQL) the database"
    )
    return res
