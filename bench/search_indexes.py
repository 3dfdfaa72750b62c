# ruff: noqa: E501
"""Quick measurement: Advanced Filtering on custom fields at 100k leads, with and without indexes.

    python -m bench.search_indexes sqlite:////tmp/search100k.db
    python -m bench.search_indexes postgresql://postgres@127.0.0.1:5432/search100k

Loads one organization with N leads (raw inserts, custom values in the `custom` JSON), then
times the conditions search/compiler.py emits today (a number range, a choices term, a date
range, a sort by a custom date) and the same questions answered by two indexed designs:
per-field expression indexes (paths inlined as literals), and a typed side table of values
`(organization_id, field_id, number, text, object_id)` with an index per value type. Prints
the median of 5 runs in ms. The figures and the choice are in docs/architecture.md ("Search").
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, func, select, text

from leadbase.core.ids import new_id
from leadbase.db.context import Actor, Context
from leadbase.db.migrate import upgrade
from leadbase.db.models import custom_field, custom_field_association, lead
from leadbase.resources import load_all
from leadbase.resources.organization.provision import provision
from leadbase.search import compile_query
from leadbase.search.engine import Sort, order_by
from leadbase.search.nodes import CustomField
from leadbase.search.targets import target

N = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
CHOICES = ["Gold", "Silver", "Bronze", "Iron", "Tin"]


def _field(conn: Any, org: str, name: str, kind: str, choices: list[str] | None = None) -> str:
    now = datetime.now(UTC)
    field_id = new_id("cf")
    conn.execute(
        custom_field.insert(),
        {
            "organization_id": org,
            "id": field_id,
            "name": name,
            "type": kind,
            "choices": choices,
            "accepts_multiple_values": False,
            "kind": "lead",
            "name_key": name.lower(),
            "date_created": now,
            "date_updated": now,
        },
    )
    conn.execute(
        custom_field_association.insert(),
        {
            "organization_id": org,
            "id": new_id("cfa"),
            "field_id": field_id,
            "object_type": "lead",
            "type_id": "",
            "name_key": name.lower(),
            "required": False,
            "editable_with_roles": [],
            "position": 0,
            "date_created": now,
            "date_updated": now,
        },
    )
    return field_id


def load(engine: Engine) -> tuple[str, str, dict[str, str]]:
    with engine.begin() as conn:
        org = provision(conn, organization_name="search100k", email=f"{new_id('u')}@x.example", role="admin")
        fields = {
            "size": _field(conn, org.organization_id, "Size", "number"),
            "tier": _field(conn, org.organization_id, "Tier", "choices", CHOICES),
            "renewal": _field(conn, org.organization_id, "Renewal", "date"),
        }
        status = conn.execute(
            text("SELECT id FROM lead_status WHERE organization_id = :o LIMIT 1"), {"o": org.organization_id}
        ).scalar_one()
    rng = random.Random(1)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(N):
        when = start + timedelta(minutes=i)
        custom = {
            fields["size"]: rng.randint(1, 10_000),
            fields["tier"]: rng.choice(CHOICES),
            fields["renewal"]: (start + timedelta(days=rng.randint(0, 1500))).date().isoformat(),
        }
        rows.append(
            {
                "organization_id": org.organization_id,
                "id": new_id("lead"),
                "name": f"Lead {i}",
                "status_id": status,
                "addresses": [],
                "custom": custom,
                "date_created": when,
                "date_updated": when,
            }
        )
    with engine.begin() as conn:
        for chunk in range(0, N, 10_000):
            conn.execute(lead.insert(), rows[chunk : chunk + 10_000])
    return org.organization_id, org.user_id, fields


def ran(conn: Any, stmt: Any, params: dict[str, Any] | None = None) -> Callable[[], Any]:
    """A function running `stmt` (bound now, so loops may reuse the names)."""
    return lambda: conn.execute(stmt, params or {}).all()


def timed(run: Callable[[], Any]) -> float:
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    load_all()
    url = sys.argv[1]
    engine = create_engine(url)
    upgrade(engine)
    org, user, f = load(engine)
    pg = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        if pg:
            conn.execute(text("ANALYZE lead"))
        else:
            conn.execute(text("ANALYZE"))
        ctx = Context(conn=conn, actor=Actor(org, user, None, "admin"))

        def cond(field_id: str, condition: dict[str, Any]) -> Any:
            query = {
                "type": "field_condition",
                "field": {"type": "custom_field", "custom_field_id": field_id},
                "condition": condition,
            }
            return compile_query(ctx, "lead", query)

        questions = {
            "number range (size 100..199)": cond(f["size"], {"type": "number_range", "gte": 100, "lt": 200}),
            "choices term (tier Gold)": cond(f["tier"], {"type": "term", "values": ["Gold"]}),
            "date range (renewal in one month)": cond(
                f["renewal"],
                {
                    "type": "moment_range",
                    "on_or_after": {"type": "fixed_local_date", "value": "2021-03-01", "which": "start"},
                    "before": {"type": "fixed_local_date", "value": "2021-03-31", "which": "end"},
                },
            ),
        }
        print(f"{engine.dialect.name}, {N} leads")
        for name, where in questions.items():
            page = select(lead.c.id).where(where).order_by(lead.c.date_created.desc()).limit(50)
            count = select(func.count()).select_from(lead).where(where)
            print(
                f"  today  {name}: page {timed(ran(conn, page)):.1f} ms,"
                f" count {timed(ran(conn, count)):.1f} ms"
            )
        sort_key = {"type": "and", "queries": []}
        on = target("lead")
        assert on is not None
        sorts = order_by(ctx, on, (Sort(CustomField(f["renewal"]), True),))
        page = select(lead.c.id).where(compile_query(ctx, "lead", sort_key)).order_by(*sorts).limit(50)
        print(f"  today  sort by renewal desc: page {timed(ran(conn, page)):.1f} ms")

        # Per-field expression indexes, paths inlined.
        def path(field_id: str) -> str:
            return f"custom->>'{field_id}'" if pg else f"json_extract(custom, '$.\"{field_id}\"')"

        number = f"(({path(f['size'])})::float8)" if pg else f"({path(f['size'])})"
        tier = f"({path(f['tier'])})"
        renewal = f"({path(f['renewal'])})"
        for name, expression in (("size", number), ("tier", tier), ("renewal", renewal)):
            conn.execute(text(f"CREATE INDEX ix_bench_{name} ON lead (organization_id, {expression})"))
        conn.commit()
        conn.execute(text("ANALYZE lead" if pg else "ANALYZE"))
        raw = {
            "number range": f"{number} >= 100 AND {number} < 200",
            "choices term": f"{tier} = 'Gold'",
            "date range": f"{renewal} >= '2021-03-01' AND {renewal} < '2021-04-01'",
        }
        for name, where_sql in raw.items():
            page_sql = text(
                f"SELECT id FROM lead WHERE organization_id = :o AND {where_sql} ORDER BY date_created DESC LIMIT 50"
            )
            count_sql = text(f"SELECT count(*) FROM lead WHERE organization_id = :o AND {where_sql}")
            print(
                f"  expr   {name}: page {timed(ran(conn, page_sql, {'o': org})):.1f} ms,"
                f" count {timed(ran(conn, count_sql, {'o': org})):.1f} ms"
            )
        sort_sql = text(f"SELECT id FROM lead WHERE organization_id = :o ORDER BY {renewal} DESC LIMIT 50")
        print(f"  expr   sort by renewal desc: page {timed(ran(conn, sort_sql, {'o': org})):.1f} ms")

        # A typed side table of values.
        if True:
            conn.execute(
                text(
                    "CREATE TABLE bench_value (organization_id varchar(64), field_id varchar(64), object_id varchar(64),"
                    " num double precision, txt text)"
                )
            )
            values = []
            for row in conn.execute(select(lead.c.id, lead.c.custom).where(lead.c.organization_id == org)):
                custom = row.custom if isinstance(row.custom, dict) else orjson.loads(row.custom)
                for field_id, value in custom.items():
                    is_number = isinstance(value, (int, float))
                    values.append(
                        {
                            "o": org,
                            "f": field_id,
                            "i": row.id,
                            "n": value if is_number else None,
                            "t": None if is_number else value,
                        }
                    )
            conn.execute(text("INSERT INTO bench_value VALUES (:o, :f, :i, :n, :t)"), values)
            conn.execute(
                text("CREATE INDEX ix_bench_value_num ON bench_value (organization_id, field_id, num)")
            )
            conn.execute(
                text("CREATE INDEX ix_bench_value_txt ON bench_value (organization_id, field_id, txt)")
            )
        conn.commit()
        conn.execute(text("ANALYZE bench_value" if pg else "ANALYZE"))
        side = {
            "number range": ("num >= 100 AND num < 200", f["size"]),
            "choices term": ("txt = 'Gold'", f["tier"]),
            "date range": ("txt >= '2021-03-01' AND txt < '2021-04-01'", f["renewal"]),
        }
        for name, (where_sql, field_id) in side.items():
            inner = f"SELECT object_id FROM bench_value WHERE organization_id = :o AND field_id = :f AND {where_sql}"
            page_sql = text(
                f"SELECT id FROM lead WHERE organization_id = :o AND id IN ({inner}) ORDER BY date_created DESC LIMIT 50"
            )
            count_sql = text(f"SELECT count(*) FROM ({inner}) v")
            params = {"o": org, "f": field_id}
            print(
                f"  table  {name}: page {timed(ran(conn, page_sql, params)):.1f} ms,"
                f" count {timed(ran(conn, count_sql, params)):.1f} ms"
            )
        conn.commit()


if __name__ == "__main__":
    main()
