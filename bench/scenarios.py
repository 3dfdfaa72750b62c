"""The scenarios. Each measures on one prepared database and returns a Result of Figures.

Ratios are measured side by side: the runs of the two sides alternate within one scenario,
and a ratio is taken per pair of runs, so drift on a shared machine hits both sides alike.
"""

from __future__ import annotations

import compileall
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import dataset, rawcopy, rawsql, servers, wrk
from bench.databases import Database
from bench.prepare import InProcessApi, Org, State, new_org
from bench.stats import Figure, Result, median, percentile, ratios


@dataclass
class Config:
    quick: bool
    leads: int
    small: int
    repeats: int
    seconds: float
    connections: int
    write_connections: int
    workers: int
    bulk_sample: int
    raw_full: bool
    seed_leads: int = 10_000


@dataclass
class Ctx:
    cfg: Config
    db: Database
    state: State
    workdir: Path
    log: Callable[[str], None]

    def org(self, key: str) -> Org:
        return self.state.orgs[key]

    def server_log(self, name: str) -> Path:
        path = self.workdir / "logs" / f"{self.db.kind}-{name}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


def _status_ids(ctx: Ctx, org: Org) -> dict[str, str]:
    conn = ctx.db.connect()
    try:
        rows = conn.execute(
            ctx.db.sql("SELECT label, id FROM lead_status WHERE organization_id = ?"), [org.organization_id]
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: r[1] for r in rows}


def _sample_lead_ids(ctx: Ctx, org: Org, count: int) -> list[str]:
    conn = ctx.db.connect()
    try:
        rows = conn.execute(
            ctx.db.sql("SELECT id FROM lead WHERE organization_id = ? ORDER BY id LIMIT ?"),
            [org.organization_id, count],
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def _ok(result: wrk.WrkResult, what: str, res: Result) -> None:
    if result.status_errors or result.socket_errors:
        res.notes.append(
            f"{what}: {result.status_errors} non-2xx answers and {result.socket_errors} socket errors "
            f"in {result.requests} requests"
        )


# ---- API overhead -------------------------------------------------------------------------


def alternate_loads(
    sides: dict[Any, servers.Server], paths: list[str], cfg: Config, authorization: str
) -> dict[Any, list[wrk.WrkResult]]:
    """The same wrk load on each server in turn, `cfg.repeats` rounds, after a warm-up of each."""
    runs: dict[Any, list[wrk.WrkResult]] = {k: [] for k in sides}
    for server in sides.values():  # warm-up: caches, connections, the key lookup
        wrk.run(server.base_url, paths, seconds=1, connections=cfg.connections, authorization=authorization)
    for _ in range(cfg.repeats):
        for name, server in sides.items():
            runs[name].append(
                wrk.run(
                    server.base_url,
                    paths,
                    seconds=cfg.seconds,
                    connections=cfg.connections,
                    authorization=authorization,
                )
            )
    return runs


def api_overhead(ctx: Ctx) -> Result:
    res = Result("api_overhead", ctx.db.kind)
    org = ctx.org("big")
    ids = _sample_lead_ids(ctx, org, 1000)
    paths = [f"/api/v1/lead/{i}/" for i in ids]
    cfg = ctx.cfg
    with servers.serve_leadbase(ctx.db.url, cfg.workers, ctx.server_log("api")) as lb:
        status, body = servers.request(lb.port, "GET", paths[0], headers={"Authorization": org.auth})
        if status != 200:
            res.error = f"GET {paths[0]} answered {status}: {body[:300]!r}"
            return res
        body_file = ctx.workdir / "ceiling-body.json"
        body_file.write_bytes(body)
        res.notes.append(f"body: {len(body)} bytes (a lead with its contacts and custom values)")
        log = ctx.server_log("ceiling")
        with (
            servers.serve_ceiling(cfg.workers, body_file, log) as bare,
            servers.serve_ceiling(
                cfg.workers, body_file, ctx.server_log("framework"), framework=True
            ) as framework,
            servers.serve_padded(ctx.db.url, cfg.workers, ctx.server_log("padded")) as padded,
        ):
            sides = {"ceiling": bare, "framework": framework, "leadbase": lb, "padded": padded}
            runs = alternate_loads(sides, paths, cfg, org.auth)
    for name, label in (
        ("ceiling", "ceiling: bare ASGI app, static body"),
        ("framework", "framework: FastAPI async def route, static body"),
        ("leadbase", "leadbase: GET /lead/{id}/"),
        ("padded", "leadbase with 300 more routes: GET /lead/{id}/"),
    ):
        res.add(Figure(f"{label}, requests/s", "req/s", [r.rps for r in runs[name]]))
        for r in runs[name]:
            _ok(r, name, res)
    lb_rps = [r.rps for r in runs["leadbase"]]
    fw = [100 * x for x in ratios(lb_rps, [r.rps for r in runs["framework"]])]
    res.add(Figure("leadbase / framework (async def)", "%", fw, ">= 35%", median(fw) >= 35 if fw else None))
    share = [100 * x for x in ratios(lb_rps, [r.rps for r in runs["ceiling"]])]
    res.add(Figure("leadbase / ceiling", "%", share))
    with_more_routes = [100 * x for x in ratios([r.rps for r in runs["padded"]], lb_rps)]
    res.add(Figure("with 300 more routes / without", "%", with_more_routes, "within noise"))
    res.add(Figure("leadbase p50 latency under load", "ms", [r.p50_ms for r in runs["leadbase"]]))
    res.add(Figure("leadbase p95 latency under load", "ms", [r.p95_ms for r in runs["leadbase"]]))
    res.notes.append(
        f"wrk -t1 -c{cfg.connections} -d{cfg.seconds:g}s, keep-alive, rotating over {len(paths)} lead ids; "
        f"{cfg.workers} uvicorn worker(s) on each side"
    )
    return res


# ---- list page ----------------------------------------------------------------------------


def count_statements(api: InProcessApi, key: str, path: str) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []
    engine = api.app.state.engine

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        status, _ = api.call("GET", path, key)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return [s for s in seen if s.strip().upper().startswith(("SELECT", "WITH"))]


def _tables(statements: list[str]) -> list[str]:
    out = []
    for s in statements:
        words = s.replace("\n", " ").split()
        upper = [w.upper() for w in words]
        name = words[upper.index("FROM") + 1] if "FROM" in upper else "?"
        out.append(name.strip('"').split(".")[-1])
    return out


def list_page(ctx: Ctx) -> Result:
    res = Result("list_page", ctx.db.kind)
    cfg = ctx.cfg
    org = ctx.org("big")
    skips = list(range(0, 1000, 100))
    paths = [f"/api/v1/lead/?_limit=100&_skip={s}" for s in skips]
    api = InProcessApi(ctx.db.url)
    try:
        api.call("GET", "/lead/?_limit=1", org.api_key)
        per_limit = {
            limit: count_statements(api, org.api_key, f"/lead/?_limit={limit}") for limit in (1, 10, 100)
        }
    finally:
        api.close()
    counts = {limit: len(s) for limit, s in per_limit.items()}
    constant = len(set(counts.values())) == 1
    tables = _tables(per_limit[100])
    related = [t for t in tables if t != "lead"]
    # The page itself and its total_results count read `lead`; every other table once at most.
    one_per_table = len(related) == len(set(related)) and tables.count("lead") <= 2
    res.add(
        Figure(
            "SQL statements per page (_limit=100)",
            "statements",
            [float(counts[100])],
            "constant; <= 1 per related table",
            constant and one_per_table,
            note=f"_limit=1/10/100: {counts[1]}/{counts[10]}/{counts[100]}; tables: {', '.join(tables)}",
        )
    )
    api_runs = []
    raw_p50: list[float] = []
    raw_p95: list[float] = []
    raw_rows_p95: list[float] = []
    conn = ctx.db.connect()
    try:
        with servers.serve_leadbase(ctx.db.url, cfg.workers, ctx.server_log("list")) as lb:
            wrk.run(lb.base_url, paths, seconds=1, connections=1, authorization=org.auth)
            for _ in range(cfg.repeats):
                api_runs.append(
                    wrk.run(lb.base_url, paths, seconds=cfg.seconds, connections=1, authorization=org.auth)
                )
                turn = iter(range(10**9))

                def raw_page(turn: Iterator[int] = turn) -> list[str]:
                    skip = skips[next(turn) % 10]
                    return rawsql.page(ctx.db, conn, "", [org.organization_id], skip=skip, count=True)

                def rows_only(turn: Iterator[int] = turn) -> list[str]:
                    return rawsql.page(ctx.db, conn, "", [org.organization_id], skip=skips[next(turn) % 10])

                samples = rawsql.timed(raw_page, cfg.seconds)
                raw_p50.append(percentile(samples, 50))
                raw_p95.append(percentile(samples, 95))
                raw_rows_p95.append(percentile(rawsql.timed(rows_only, cfg.seconds / 2), 95))
    finally:
        conn.close()
    for r in api_runs:
        _ok(r, "list", res)
    res.add(Figure("GET /lead/?_limit=100 p50", "ms", [r.p50_ms for r in api_runs]))
    p95 = [r.p95_ms for r in api_runs]
    res.add(Figure("GET /lead/?_limit=100 p95", "ms", p95))
    res.add(Figure("raw SQL page (count + leads + contacts) p50", "ms", raw_p50))
    res.add(Figure("raw SQL page (count + leads + contacts) p95", "ms", raw_p95))
    res.add(Figure("raw SQL page without the total count p95", "ms", raw_rows_p95))
    res.add(Figure("API p95 / raw p95", "x", ratios(p95, raw_p95)))
    res.notes.append(
        f"{ctx.state.leads} leads in the organization; pages _skip=0..900, one connection "
        f"(wrk -c1 -d{cfg.seconds:g}s), so latency is service time, not queueing"
    )
    return res


# ---- writes -------------------------------------------------------------------------------


def writes(ctx: Ctx) -> Result:
    res = Result("writes", ctx.db.kind)
    cfg = ctx.cfg
    org = ctx.org("writes")
    schema = org.schema
    bodies = [json.dumps(b) for b in dataset.write_bodies(2000, schema)]
    custom_count = sum(1 for k in json.loads(bodies[0]) if k.startswith("custom."))
    if custom_count < 5:
        res.unavailable.append(
            "not available yet: POST /custom_field/lead/ (leads are written with "
            f"{custom_count} custom values instead of 5)"
        )
    lead_ids = _sample_lead_ids(ctx, org, 200)
    object_bodies: list[str] = []
    if schema.object_type_id:
        rng = random.Random(3)
        object_bodies = [
            json.dumps(dataset.object_body(lead_ids[i % len(lead_ids)], i, schema, rng)) for i in range(2000)
        ]
    else:
        res.unavailable.append("not available yet: POST /custom_object/")
    with servers.serve_leadbase(ctx.db.url, 1, ctx.server_log("writes")) as lb:
        status, answer = servers.request(
            lb.port,
            "POST",
            "/api/v1/lead/",
            headers={"Authorization": org.auth, "Content-Type": "application/json"},
            body=bodies[0].encode(),
        )
        if status != 200:
            res.error = f"POST /lead/ answered {status}: {answer[:500]!r}"
            return res
        cases = [("POST /lead/ (2 contacts, custom values)", "/api/v1/lead/", bodies, "leads/s")]
        if object_bodies:
            status, answer = servers.request(
                lb.port,
                "POST",
                "/api/v1/custom_object/",
                headers={"Authorization": org.auth, "Content-Type": "application/json"},
                body=object_bodies[0].encode(),
            )
            if status in (200, 201):
                cases.append(
                    (
                        "POST /custom_object/ (3 custom values)",
                        "/api/v1/custom_object/",
                        object_bodies,
                        "objects/s",
                    )
                )
            else:
                res.notes.append(f"POST /custom_object/ answered {status}: {answer[:300]!r}; not measured")
        runs: dict[str, list[wrk.WrkResult]] = {c[0]: [] for c in cases}
        for _ in range(cfg.repeats):
            for name, path, payloads, _unit in cases:
                runs[name].append(
                    wrk.run(
                        lb.base_url,
                        [path],
                        seconds=cfg.seconds,
                        connections=cfg.write_connections,
                        method="POST",
                        bodies=payloads,
                        authorization=org.auth,
                    )
                )
    for name, _path, _payloads, unit in cases:
        good = [(r.requests - r.status_errors) / r.seconds for r in runs[name]]
        for r in runs[name]:
            _ok(r, name, res)
        is_lead = name.startswith("POST /lead/")
        target = ">= 500/s on SQLite" if is_lead and ctx.db.kind == "sqlite" else ""
        met = (median(good) >= 500) if target else None
        res.add(Figure(f"{name}, one worker", unit, good, target, met))
        res.add(Figure(f"{name} p95 latency", "ms", [r.p95_ms for r in runs[name]]))
    res.notes.append(
        f"one uvicorn worker, wrk -c{cfg.write_connections}; each lead writes 1 lead + 2 contacts + 3 events"
    )
    return res


# ---- bulk load ----------------------------------------------------------------------------


def _bulk_once(
    ctx: Ctx, bodies: list[dict[str, Any]], fields_for: Callable[[Org, str], None]
) -> tuple[float, dict[str, Any]]:
    """leadbase's bulk path into a fresh database, then raw inserts of the same rows into another."""
    from leadbase.api.auth import KeyResolver
    from leadbase.resources.bulk import load

    lb_db, raw_db = ctx.db.sibling("bulk"), ctx.db.sibling("raw")
    lb_db.create()
    raw_db.create()
    try:
        engine = lb_db.engine(pool_size=1)
        try:
            org = new_org(engine, "bulk")
            fields_for(org, lb_db.url)
            actor = KeyResolver(engine, 0).resolve(org.api_key)
            payload = [_with_fields(b, org) for b in bodies]
            started = time.perf_counter()
            load(engine, actor, "lead", payload, keep_dates=True)
            seconds = time.perf_counter() - started
        finally:
            engine.dispose()
        raw = rawcopy.copy(lb_db, raw_db, org.organization_id, event_types=("lead", "contact"))
    finally:
        lb_db.drop()
        raw_db.drop()
    return seconds, raw


def _with_fields(body: dict[str, Any], org: Org) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if not k.startswith("custom.")}
    for name, field_id in org.schema.lead_fields.items():
        value = body.get(f"custom.{{{name}}}")
        if value is not None:
            out[f"custom.{field_id}"] = value
    return out


def bulk(ctx: Ctx) -> Result:
    res = Result("bulk", ctx.db.kind)
    cfg = ctx.cfg
    # Bodies name fields by {Name}; each fresh database gets its own field ids.
    named = dataset.Schema(lead_fields={name: f"{{{name}}}" for name, _, _ in dataset.LEAD_FIELDS})
    bodies = list(dataset.lead_bodies(cfg.bulk_sample, named, seed=dataset.SEED + 99))
    if not ctx.state.orgs["big"].schema.lead_fields:
        res.unavailable.append(
            "not available yet: POST /custom_field/lead/ (leads are loaded without custom values)"
        )

    def fields_for(org: Org, url: str) -> None:
        if "custom_fields" not in ctx.state.capabilities:
            return
        api = InProcessApi(url)
        try:
            for name, kind, extra in dataset.LEAD_FIELDS:
                status, data = api.call(
                    "POST", "/custom_field/lead/", org.api_key, {"name": name, "type": kind, **extra}
                )
                if status in (200, 201):
                    org.schema.lead_fields[name] = data["id"]
        finally:
            api.close()

    lb_rate: list[float] = []
    raw_rate: list[float] = []
    raw_data_rate: list[float] = []
    for _ in range(cfg.repeats):
        seconds, raw = _bulk_once(ctx, bodies, fields_for)
        lb_rate.append(len(bodies) / seconds)
        raw_rate.append(len(bodies) / sum(raw["seconds"].values()))
        raw_data_rate.append(len(bodies) / (raw["seconds"]["lead"] + raw["seconds"]["contact"]))
    rows = raw["rows"]
    res.add(Figure(f"leadbase bulk path, {len(bodies)} leads", "leads/s", lb_rate))
    res.add(Figure(f"raw executemany of the same rows, {len(bodies)} leads", "leads/s", raw_rate))
    share = [100 * x for x in ratios(lb_rate, raw_rate)]
    res.add(
        Figure(
            "leadbase / raw (same rows, events included)",
            "%",
            share,
            ">= 25%",
            median(share) >= 25 if share else None,
        )
    )
    res.add(Figure("raw, leads and contacts only (no events)", "leads/s", raw_data_rate))
    res.add(Figure("leadbase / raw without events", "%", [100 * x for x in ratios(lb_rate, raw_data_rate)]))
    res.notes.append(
        f"per lead on average: {rows['contact'] / rows['lead']:.2f} contacts and "
        f"{rows['event'] / rows['lead']:.2f} events; bodies generated before timing; fresh database per run"
    )
    big = ctx.state.timings.get("big", {}).get("lead")
    count = ctx.state.counts.get("big", {}).get("lead", 0)
    if big and count:
        full = [count / big]
        res.add(
            Figure(
                f"leadbase bulk path, {count} leads (building the data set, once)",
                "leads/s",
                full,
                note="includes generating the bodies",
            )
        )
        if cfg.raw_full:
            mirror = ctx.db.sibling("rawfull")
            mirror.create()
            try:
                ctx.log(f"  raw copy of {count} leads")
                raw = rawcopy.copy(
                    ctx.db, mirror, ctx.org("big").organization_id, event_types=("lead", "contact")
                )
            finally:
                mirror.drop()
            raw_full = [count / sum(raw["seconds"].values())]
            res.add(Figure(f"raw executemany of the same rows, {count} leads", "leads/s", raw_full))
            share_full = [100 * x for x in ratios(full, raw_full)]
            res.add(
                Figure(f"leadbase / raw at {count} leads", "%", share_full, ">= 25%", share_full[0] >= 25)
            )
    return res


# ---- start-up and isolation ---------------------------------------------------------------


def startup(ctx: Ctx) -> Result:
    from leadbase.resources.organization.provision import provision

    res = Result("startup", ctx.db.kind)
    cfg = ctx.cfg
    ready: list[float] = []
    scratch = ctx.db.sibling("startup")
    # An installed leadbase is compiled already: `pip install` (scripts/serve) writes its bytecode.
    # The server measured here runs from this checkout, and where PYTHONDONTWRITEBYTECODE is set
    # (as on the benchmark's machines) it would compile each of its modules again at every start:
    # 0.2-0.3 s of a 1.6 s start on PostgreSQL. Compiled once here, as an install would have it.
    compileall.compile_dir(str(servers.ROOT / "leadbase"), quiet=1)
    for _ in range(cfg.repeats + 2):
        scratch.create(migrate=False)
        port = servers.free_port()
        command = [
            *servers.leadbase_command_prefix(),
            "serve",
            "--port",
            str(port),
            "--database-url",
            scratch.url,
            "--log-level",
            "warning",
        ]
        log = ctx.server_log("startup")
        started = time.perf_counter()
        server = servers.Server(servers.spawn(command, log), port, log)
        try:
            servers.wait_ready(server, "/api/v1/me/")
            ready.append(time.perf_counter() - started)
        finally:
            servers.stop(server)
    res.add(
        Figure(
            "leadbase serve ready on an empty database",
            "s",
            ready,
            "< 1.5 s",
            median(ready) < 1.5,
            note=(
                "from exec to the first answer, leadbase's bytecode compiled as an install leaves it; "
                "includes creating the schema and the demo organization"
            ),
        )
    )
    engine = scratch.engine(pool_size=1)
    samples: list[float] = []
    try:
        for i in range(40 if not cfg.quick else 10):
            started = time.perf_counter()
            with engine.connect() as conn:
                conn.execution_options(writes=True)
                with conn.begin():
                    provision(conn, organization_name=f"iso-{i}-{time.time_ns()}", email=f"iso{i}@x.example")
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    res.add(
        Figure(
            "new organization with its API key (provision(), in process)",
            "ms",
            samples,
            "< 50 ms",
            median(samples) < 50,
            note="one transaction: organization, statuses, user, membership, key",
        )
    )
    cli: list[float] = []
    import subprocess

    for i in range(3 if not cfg.quick else 1):
        started = time.perf_counter()
        subprocess.run(
            [
                *servers.leadbase_command_prefix(),
                "bootstrap",
                "--database-url",
                scratch.url,
                "--organization",
                f"cli-{i}-{time.time_ns()}",
                "--email",
                f"cli{i}@x.example",
                "--json",
            ],
            check=True,
            capture_output=True,
            cwd=servers.ROOT,
        )
        cli.append((time.perf_counter() - started) * 1000)
    res.add(
        Figure("`leadbase bootstrap` command, wall time", "ms", cli, note="a new Python process each time")
    )
    scratch.drop()
    return res


# ---- memory -------------------------------------------------------------------------------


def memory(ctx: Ctx) -> Result:
    res = Result("memory", ctx.db.kind)
    cfg = ctx.cfg
    org = ctx.org("big")
    idle: list[float] = []
    peak: list[float] = []
    after: list[float] = []
    for _ in range(cfg.repeats):
        with servers.serve_leadbase(ctx.db.url, 1, ctx.server_log("memory")) as lb:
            time.sleep(0.5)
            idle.append(lb.rss_mb())
            top = 0.0
            import http.client

            conn = http.client.HTTPConnection("127.0.0.1", lb.port, timeout=60)
            try:
                for page in range(100):
                    conn.request(
                        "GET",
                        f"/api/v1/lead/?_limit=100&_skip={page * 100}",
                        headers={"Authorization": org.auth},
                    )
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        res.error = f"page {page} answered {response.status}"
                        return res
                    top = max(top, lb.rss_mb())
            finally:
                conn.close()
            peak.append(top)
            time.sleep(0.5)
            after.append(lb.rss_mb())
    res.add(
        Figure(
            "worker RSS idle (started, no request yet)",
            "MiB",
            idle,
            "< 200 MB",
            median(idle) < 200 / 1.048576,
        )
    )
    res.add(
        Figure(
            "worker RSS peak while paging 100 pages of 100 leads",
            "MiB",
            peak,
            "< 200 MB",
            median(peak) < 200 / 1.048576,
        )
    )
    res.add(Figure("worker RSS idle after paging", "MiB", after))
    return res


def _search(ctx: Ctx) -> Result:
    from bench.search import search  # the search set builds on this module's helpers

    return search(ctx)


def _feed(ctx: Ctx) -> Result:
    from bench.feed import feed  # the feed builds on this module's helpers

    return feed(ctx)


def _workers(ctx: Ctx) -> Result:
    from bench.scaling import workers  # scaling builds on this module's helpers

    return workers(ctx)


def _exports(ctx: Ctx) -> Result:
    from bench.exports import exports

    return exports(ctx)


def _webhooks(ctx: Ctx) -> Result:
    from bench.webhooks import webhooks

    result: Result = webhooks(ctx)
    return result


def _bulk_edit(ctx: Ctx) -> Result:
    from bench.bulk_actions import bulk_edit  # builds on this module's Ctx

    return bulk_edit(ctx)


SCENARIOS: dict[str, Callable[[Ctx], Result]] = {
    "api_overhead": api_overhead,
    "workers": _workers,
    "list_page": list_page,
    "feed": _feed,
    "search": _search,
    "memory": memory,
    "startup": startup,
    "writes": writes,
    "bulk": bulk,
    "exports": _exports,
    "webhooks": _webhooks,
    "bulk_edit": _bulk_edit,
}


def run(name: str, ctx: Ctx) -> Result:
    started = time.perf_counter()
    try:
        result = SCENARIOS[name](ctx)
    except Exception as exc:  # a failing scenario is reported, the others still run
        import traceback

        ctx.log(traceback.format_exc())
        result = Result(name, ctx.db.kind, error=f"{type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - started
    return result


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
