"""The job behind every bulk action: resolve the selection, then apply the action in batches.

Each batch is one transaction: the kind's `Applier` changes its leads (or their contacts,
opportunities...) through their own services, so every object gets its usual events (carrying
`meta.bulk_action_id`) and cascades, and the action's counters move in the same transaction.
A job that stops (a crash, a retry) therefore goes on after the last committed batch, never
applying a batch twice. A new kind of bulk action is an `Applier` registered under its kind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from leadbase.core.errors import LeadbaseError
from leadbase.core.ids import SHORT, new_id
from leadbase.db import selections
from leadbase.db.context import Actor, Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.jobs.registry import JobContext, JobKind, JobLost, register
from leadbase.resources.bulk_action.targeting import resolve

log = logging.getLogger("leadbase.bulk_action")

JOB_KIND = "bulk_action"
# Leads per transaction: large enough that a batch's fixed costs (the action's own update and
# event, the lease renewal) are small beside its work, small enough to keep write locks short.
BATCH_SIZE = 200
CREATED, PROCESSING, DONE, PAUSED, ERROR = "created", "processing", "done", "paused", "error"
FINISHED = (DONE, ERROR)


@dataclass
class Progress:
    """What one batch did beyond its leads: objects found, handled and skipped."""

    objects: int = 0
    processed: int = 0
    skipped: int = 0


class Applier:
    """What a kind of bulk action does to a batch of its leads (subclass per kind)."""

    def objects_are_leads(self, action: Row) -> bool:
        """Whether `n_objects` is the number of leads (known once the selection is resolved)
        rather than counted batch by batch (emails, contacts...)."""
        return True

    def apply(self, ctx: Context, action: Row, leads: list[Row]) -> Progress:
        raise NotImplementedError


appliers: dict[str, Applier] = {}


def register_applier(kind: str, applier: Applier) -> None:
    appliers[kind] = applier


def action_spec(kind: str) -> ResourceSpec:
    return resources.get(f"bulk_action/{kind}")


def job_payload(ctx: Context, action_id: str, kind: str) -> dict[str, Any]:
    actor = ctx.actor
    return {
        "bulk_action_id": action_id,
        "kind": kind,
        "organization_id": actor.organization_id,
        "user_id": actor.user_id,
        "api_key_id": actor.api_key_id,
        "role_id": actor.role_id,
    }


@contextmanager
def transaction(engine: Engine, actor: Actor, action_id: str) -> Iterator[Context]:
    """One write transaction as the action's author, its events marked with the action's id."""
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            ctx = Context(
                conn=conn,
                actor=actor,
                request_id=new_id("req", SHORT),
                meta={"bulk_action_id": action_id},
            )
            yield ctx
            ctx.flush()
    for callback in ctx.after_commit:
        callback()


def _change(ctx: Context, spec: ResourceSpec, row: Row, values: Row) -> Row:
    service = spec.service(ctx, spec)
    with ctx.unit.operation():
        row = ctx.unit.changing(spec, row)
        return service.change(row, values)


def _start(ctx: Context, spec: ResourceSpec, row: Row) -> Row:
    selection = resolve(ctx, row)
    n_leads = selections.store(
        ctx, row["id"], selection.table, selection.condition, selection.order, selection.limit
    )
    values: Row = {"status": PROCESSING, "n_leads": n_leads}
    if appliers[row["kind"]].objects_are_leads(row):
        values["n_objects"] = n_leads
    return _change(ctx, spec, row, values)


def _batch(ctx: Context, spec: ResourceSpec, row: Row) -> Row | None:
    """Apply the next batch; None when there was none left (the action is then done)."""
    batch = selections.batch(ctx, row["id"], row["n_leads_processed"], BATCH_SIZE)
    with ctx.unit.operation():
        row = ctx.unit.changing(spec, row)
        service = spec.service(ctx, spec)
        if not batch:
            selections.clear(ctx, row["id"])
            done = service.change(row, {"status": DONE})
            ctx.unit.announce(spec, done, "completed", first=False)
            return None
        lead_spec = resources.get("lead")
        found = Repository(ctx).find_many(lead_spec, [lead_id for _, lead_id in batch])
        # Leads deleted since the selection was made are passed over.
        leads = [found[lead_id] for _, lead_id in batch if lead_id in found]
        progress = appliers[row["kind"]].apply(ctx, row, leads)
        values: Row = {
            "n_leads_processed": batch[-1][0],
            "n_objects_processed": row["n_objects_processed"] + progress.processed,
            "n_objects_skipped": row["n_objects_skipped"] + progress.skipped,
        }
        if not appliers[row["kind"]].objects_are_leads(row):
            values["n_objects"] = (row["n_objects"] or 0) + progress.objects
        return service.change(row, values)


def _fail(engine: Engine, actor: Actor, spec: ResourceSpec, action_id: str, message: str) -> None:
    with transaction(engine, actor, action_id) as ctx:
        row = spec.service(ctx, spec).get(action_id)
        if row["status"] not in FINISHED:
            selections.clear(ctx, action_id)
            _change(ctx, spec, row, {"status": ERROR, "error": message[:2000]})


def run(job: JobContext) -> dict[str, Any]:
    """The job handler: every batch in its own transaction, the lease renewed between them."""
    payload = job.payload
    action_id = payload["bulk_action_id"]
    spec = action_spec(payload["kind"])
    actor = Actor(payload["organization_id"], payload["user_id"], payload["api_key_id"], payload["role_id"])
    batches = 0
    try:
        while True:
            with transaction(job.engine, actor, action_id) as ctx:
                row: Row | None = spec.service(ctx, spec).get(action_id, lock=True)
                assert row is not None
                if row["status"] in (*FINISHED, PAUSED):
                    break
                # The selection is made by the job's first transaction, as Close resolves it
                # when the action starts; every later transaction applies one batch.
                row = _start(ctx, spec, row) if row["n_leads"] is None else _batch(ctx, spec, row)
            if row is None:
                break
            batches += 1
            job.keep_alive()
    except JobLost:
        raise
    except LeadbaseError as problem:
        # The action cannot go on as asked (a status deleted meanwhile, a permission taken
        # away): it ends in error, as Close shows it; the batches before stay applied.
        _fail(job.engine, actor, spec, action_id, str(problem))
        return {"batches": batches, "error": str(problem)}
    except Exception:
        if job.attempt >= JOB.max_attempts:
            _fail(job.engine, actor, spec, action_id, "The bulk action failed; see the server's log.")
        raise
    return {"batches": batches}


JOB = register(JobKind(JOB_KIND, run, max_attempts=5))
