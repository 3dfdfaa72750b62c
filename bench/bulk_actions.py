"""Bulk edit throughput: leads per second a worker changes through `POST /bulk_action/edit/`.

A fresh database gets N leads (one contact each) through the bulk loader; each run is one bulk
edit that moves every lead to another status, timed from the POST to the worker's idle (the
selection, every batch with its lead `updated` events and status-change activities).
"""

from __future__ import annotations

import time

from bench.prepare import InProcessApi, new_org
from bench.scenarios import Ctx
from bench.stats import Figure, Result

QUICK_LEADS = 500
FULL_LEADS = 10_000


def bulk_edit(ctx: Ctx) -> Result:
    from leadbase.api.auth import KeyResolver
    from leadbase.jobs.worker import Worker
    from leadbase.resources.bulk import load

    res = Result("bulk_edit", ctx.db.kind)
    count = QUICK_LEADS if ctx.cfg.quick else FULL_LEADS
    db = ctx.db.sibling("bulkedit")
    db.create()
    try:
        engine = db.engine(pool_size=2)
        api = InProcessApi(db.url)
        try:
            org = new_org(engine, "bulkedit")
            actor = KeyResolver(engine, 0).resolve(org.api_key)
            bodies = [{"name": f"Edit {i}", "contacts": [{"name": f"Person {i}"}]} for i in range(count)]
            load(engine, actor, "lead", bodies)
            statuses = []
            for label in ("Bench A", "Bench B"):
                status, data = api.call("POST", "/status/lead/", org.api_key, {"label": label})
                assert status == 200, data
                statuses.append(data["id"])
            rates: list[float] = []
            for run in range(ctx.cfg.repeats):
                body = {
                    "type": "set_lead_status",
                    "lead_status_id": statuses[run % 2],
                    "s_query": {"type": "object_type", "object_type": "lead"},
                }
                worker = Worker(engine)
                started = time.perf_counter()
                status, data = api.call("POST", "/bulk_action/edit/", org.api_key, body)
                assert status == 200, data
                worker.run_until_idle(limit=100_000)
                seconds = time.perf_counter() - started
                worker.sender.close()
                _, done = api.call("GET", f"/bulk_action/edit/{data['id']}/", org.api_key)
                assert done["status"] == "done" and done["n_leads_processed"] == count, done
                rates.append(count / seconds)
            res.add(Figure(f"bulk edit (set_lead_status), {count} leads", "leads/s", rates))
            res.notes.append(
                "each lead: one update through the lead service, its event and its status-change "
                "activity; batches of 200 leads per transaction"
            )
        finally:
            api.close()  # the in-process app's own engine too, not only its client
            engine.dispose()
    finally:
        db.drop()
    return res
