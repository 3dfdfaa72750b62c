"""Service-level cost of POST /lead/ with two contacts and five custom values, in CPU time.

No HTTP, no server: one transaction per lead as `api/unit.run` opens it, on a fresh SQLite
file (or the database URL given). Run: python -m bench.write_path [leads] [database URL].
The figure is leads per CPU-second (best of 3), comparable between two checkouts on the same
machine even while it is busy; bench/PROFILE.md records the comparisons.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from leadbase.config import Settings
from leadbase.db.context import Actor, Context
from leadbase.db.engine import build_engine
from leadbase.db.migrate import upgrade
from leadbase.db.resource import resources
from leadbase.resources import load_all
from leadbase.resources.organization.provision import provision

PHONE = "+14155550100"


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 400
    url = argv[1] if len(argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/write_path.db"
    load_all()
    engine = build_engine(url, pool_size=2)
    upgrade(engine)
    settings = Settings(database_url=url)
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            org = provision(conn, organization_name="Write path", email="bench@example.com", role="admin")
    actor = Actor(org.organization_id, org.user_id, None, "admin")

    def run(work: Callable[[Context], Any]) -> Any:
        with engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                ctx = Context(conn=conn, actor=actor, request_id="req_bench", meta={})
                ctx.memo["settings"] = settings
                result = work(ctx)
                ctx.flush()
                return result

    leads, fields = resources.get("lead"), resources.get("custom_field/lead")

    def make_field(n: int) -> str:
        created = run(lambda ctx: fields.service(ctx, fields).create({"name": f"F{n}", "type": "text"}))
        return str(created["id"])

    field_ids = [make_field(n) for n in range(5)]

    def body(n: int) -> dict[str, Any]:
        ann = {
            "name": "Ann",
            "emails": [{"email": "ann@acme.example"}],
            "phones": [{"phone": "+14155550100"}],
        }
        custom = {f"custom.{f}": f"value {n}" for f in field_ids}
        return {"name": f"Lead {n}", "contacts": [ann, {"name": "Bob"}], **custom}

    def create(n: int) -> None:
        run(lambda ctx: leads.service(ctx, leads).create(body(n)))

    for n in range(50):
        create(n)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for n in range(count):
            create(n)
        best = min(best, time.process_time() - started)
    print(f"POST /lead/ (2 contacts, 5 custom values): {count / best:.0f} leads per CPU-second")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
