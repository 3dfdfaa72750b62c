"""The plans of the search scenario's queries, engine and hand-written side by side.

    python -m bench.search_plans OUT/postgres-leadbase_bench.dataset.json [big|small] [DATABASE_URL]

For each query of bench/search_queries.py that has an Advanced Filtering form: the statement
the engine runs for its first page (and for its count, which `GET /lead/` answers), then the
hand-written SQL, each with the database's plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY
PLAN and a timing on SQLite). For reading why a figure is what it is; measures nothing.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Select, func, select

from bench.databases import Database
from bench.prepare import State
from bench.search_queries import SEARCH, queries
from leadbase.db.context import Actor, Context, first_rows
from leadbase.resources import load_all
from leadbase.search import compile_query
from leadbase.search.engine import in_index_order, object_type_of, parse_sort, searchable, sort_keys
from leadbase.search.nodes import parse


def _explain(conn: Connection, stmt: Select[Any]) -> str:
    compiled = stmt.compile(conn, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if conn.dialect.name != "postgresql":
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    return _plan_text(conn, str(compiled), params)


def _plan_text(conn: Connection, sql: str, params: Any = None) -> str:
    postgres = conn.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    started = time.perf_counter()
    plan = [" | ".join(str(c) for c in row) for row in conn.exec_driver_sql(prefix + sql, params or ())]
    if not postgres:
        started = time.perf_counter()
        conn.exec_driver_sql(sql, params or ()).all()
        plan.append(f"ran in {(time.perf_counter() - started) * 1000:.1f} ms")
    return "\n".join("    " + line for line in plan)


def main(argv: list[str]) -> None:
    state_path = Path(argv[0])
    key = argv[1] if len(argv) > 1 else "big"
    kind = "postgres" if state_path.name.startswith("postgres") else "sqlite"
    state = State.from_json(json.loads(state_path.read_text()))
    url = argv[2] if len(argv) > 2 else ""
    if not url:
        name = state_path.name.removesuffix(".dataset.json").removeprefix(f"{kind}-")
        url = (
            f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            if kind == "postgres"
            else f"sqlite:///{state_path.parent / name}.db"
        )
    db = Database(kind, url)
    org = state.orgs[key]
    load_all()
    engine = db.engine(pool_size=1)
    try:
        with engine.connect() as conn:
            ctx = Context(conn=conn, actor=Actor(org.organization_id, org.user_id, None, "admin"))
            statuses: dict[str, str] = dict(
                conn.exec_driver_sql(
                    db.sql("SELECT label, id FROM lead_status WHERE organization_id = ?"),
                    (org.organization_id,),
                ).all()
            )
            for q in queries(SimpleNamespace(db=db), org, statuses):
                bodies = [body for method, path, body in q.api_forms if method == "POST" and path == SEARCH]
                if not bodies or bodies[0] is None:
                    continue
                body = bodies[0]
                tree = parse(body["query"])
                on = searchable(object_type_of(tree))
                keys = sort_keys(ctx, on, parse_sort(body.get("sort")))
                # As the engine compiles a page: read in an index's order, a condition may walk.
                order = [term for key in keys for term in key.terms()]
                with first_rows(ctx, reading_first=in_index_order(on, keys[0]), order=order):
                    condition = compile_query(ctx, on.name, tree)
                page = select(on.table.c.id).where(condition).order_by(*order).limit(101)
                print(f"== {q.name}\n  engine page:\n{_explain(conn, page)}")
                condition = compile_query(ctx, on.name, tree)
                count = select(func.count()).select_from(on.table).where(condition)
                print(f"  engine count:\n{_explain(conn, count)}")
                params = [org.organization_id, *q.raw_params]
                sql = (
                    f"SELECT l.id FROM lead l WHERE l.organization_id = {db.param} {q.raw_where} "
                    f"ORDER BY {q.raw_order} LIMIT 100"
                )
                print(f"  raw page:\n{_plan_text(conn, sql, tuple(params))}", flush=True)
            conn.rollback()
    finally:
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
