"""Quick measurement: Advanced Filtering on custom fields at 100k leads, with and without indexes.

    python -m bench.search_indexes sqlite:////tmp/search100k.db
    python -m bench.search_indexes postgresql://postgres@127.0.0.1:5432/search100k

Loads one organization with N leads (raw inserts, custom values in the `custom` JSON, fields
written without their indexes), then times what search/compiler.py emits (a number range, a
text term, a date range, sorts by a custom date and number) before and after creating the
indexes the API creates with each field (custom_fields/indexes.py). Prints the median of 5
runs in ms. The figures are in docs/architecture.md ("Indexes on custom fields").
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text

from leadbase.core.ids import new_id
from leadbase.custom_fields.indexes import apply_indexes, wanted_indexes
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
        conn.execute(text("ANALYZE lead" if pg else "ANALYZE"))
        conn.commit()
        ctx = Context(conn=conn, actor=Actor(org, user, None, "admin"))
        on = target("lead")
        assert on is not None

        def cond(field_id: str, condition: dict[str, Any]) -> Any:
            query = {
                "type": "field_condition",
                "field": {"type": "custom_field", "custom_field_id": field_id},
                "condition": condition,
            }
            return compile_query(ctx, "lead", query)

        def sorted_page(field_id: str, descending: bool) -> Any:
            terms = order_by(ctx, on, (Sort(CustomField(field_id), descending),))
            where = compile_query(ctx, "lead", {"type": "and", "queries": []})
            return select(lead.c.id).where(where).order_by(*terms).limit(50)

        def measure(label: str) -> None:
            questions = {
                "number range (size 100..199)": cond(
                    f["size"], {"type": "number_range", "gte": 100, "lt": 200}
                ),
                "text term (tier Gold)": cond(f["tier"], {"type": "term", "values": ["Gold"]}),
                "date range (renewal in one month)": cond(
                    f["renewal"],
                    {
                        "type": "moment_range",
                        "on_or_after": {"type": "fixed_local_date", "value": "2021-03-01", "which": "start"},
                        "before": {"type": "fixed_local_date", "value": "2021-03-31", "which": "end"},
                    },
                ),
            }
            for name, where in questions.items():
                page = select(lead.c.id).where(where).order_by(lead.c.date_created.desc()).limit(50)
                count = select(func.count()).select_from(lead).where(where)
                print(
                    f"  {label}  {name}: page {timed(ran(conn, page)):.1f} ms,"
                    f" count {timed(ran(conn, count)):.1f} ms"
                )
            for name, field_id in (("renewal", f["renewal"]), ("size", f["size"])):
                for descending in (True, False):
                    direction = "desc" if descending else "asc"
                    page = sorted_page(field_id, descending)
                    print(f"  {label}  sort by {name} {direction}: page {timed(ran(conn, page)):.1f} ms")

        print(f"{engine.dialect.name}, {N} leads")
        measure("no index")
        # The indexes a field gets when it is created through the API (custom_fields/indexes.py).
        for kind, field_id in (("number", f["size"]), ("choices", f["tier"]), ("date", f["renewal"])):
            apply_indexes(conn, field_id, wanted_indexes(conn, org, field_id, kind, False, ["lead"]))
        conn.execute(text("ANALYZE lead" if pg else "ANALYZE"))
        conn.commit()
        measure("indexed ")


if __name__ == "__main__":
    main()
