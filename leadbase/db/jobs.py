"""The job queue's writes: enqueue in the caller's transaction, claim with a lease, finish or retry.

A job is a row of `job`. `enqueue` writes it on the caller's connection, so it commits with the
request that caused it and disappears with a rollback; no worker can see it before the commit.
A worker claims jobs in a short transaction of its own (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
so workers skip each other's rows instead of waiting; SQLite's single writer serializes claims),
marking each `running` with a lease and a fresh claim token. It runs the job outside any claim
transaction and reports the outcome with the token: a worker that outlived its lease (its job
was claimed again) finds its token replaced and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from leadbase.core import clock
from leadbase.core.ids import SHORT, new_id
from leadbase.db import signals
from leadbase.db.context import Context
from leadbase.db.models import job

Row = dict[str, Any]

QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"


def enqueue(
    ctx: Context,
    kind: str,
    payload: dict[str, Any],
    *,
    run_at: datetime | None = None,
    max_attempts: int = 5,
) -> str:
    """Queue a job of `kind` in the caller's transaction; workers see it once that commits."""
    now = clock.now()
    job_id = new_id("job", SHORT)
    ctx.conn.execute(
        insert(job).values(
            id=job_id,
            kind=kind,
            organization_id=ctx.organization_id,
            payload=payload,
            status=QUEUED,
            attempts=0,
            max_attempts=max_attempts,
            run_at=run_at or now,
            date_created=now,
            date_updated=now,
        )
    )
    signals.after_commit(ctx)
    return job_id


def _due(kinds: list[str]) -> Any:
    now = clock.now()
    return job.c.kind.in_(kinds) & or_(
        (job.c.status == QUEUED) & (job.c.run_at <= now),
        (job.c.status == RUNNING) & (job.c.lease_until < now),
    )


def any_due(conn: Connection, kinds: list[str]) -> bool:
    """Whether a job may be due (a read that takes no write lock, for idle polls)."""
    return bool(kinds) and conn.execute(select(job.c.id).where(_due(kinds)).limit(1)).first() is not None


def claim(conn: Connection, kinds: list[str], *, lease: timedelta, limit: int = 1) -> list[Row]:
    """Claim up to `limit` due jobs of these kinds (inside the caller's write transaction).

    Due: queued with `run_at` passed, or running with a lease that has expired (its worker
    died). Each claimed row comes back with its new `claim` token and attempt number.
    """
    if not kinds:
        return []
    now = clock.now()
    due = select(job.c.id).where(_due(kinds)).order_by(job.c.run_at).limit(limit)
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(conn.execute(due).scalars())
    claimed: list[Row] = []
    for job_id in ids:
        token = new_id("claim", SHORT)
        row = (
            conn.execute(
                update(job)
                .where(job.c.id == job_id)
                .values(
                    status=RUNNING,
                    attempts=job.c.attempts + 1,
                    lease_until=now + lease,
                    claim=token,
                    date_updated=now,
                )
                .returning(*job.c)
            )
            .mappings()
            .one()
        )
        claimed.append(dict(row))
    return claimed


def _mine(job_id: str, token: str) -> Any:
    return (job.c.id == job_id) & (job.c.claim == token) & (job.c.status == RUNNING)


def extend(conn: Connection, job_id: str, token: str, lease: timedelta) -> bool:
    """Renew a long job's lease; False when the attempt lost it (stop working)."""
    now = clock.now()
    done = conn.execute(
        update(job).where(_mine(job_id, token)).values(lease_until=now + lease, date_updated=now)
    )
    return done.rowcount == 1


def succeed(conn: Connection, job_id: str, token: str, result: Any = None) -> bool:
    now = clock.now()
    done = conn.execute(
        update(job)
        .where(_mine(job_id, token))
        .values(
            status=SUCCEEDED, result=result, lease_until=None, claim=None, date_finished=now, date_updated=now
        )
    )
    return done.rowcount == 1


def fail(conn: Connection, job_id: str, token: str, error: str, *, retry_at: datetime | None) -> bool:
    """Record a failed attempt: queued again at `retry_at`, or failed for good when None."""
    now = clock.now()
    values: dict[str, Any] = {
        "last_error": error[:4000],
        "lease_until": None,
        "claim": None,
        "date_updated": now,
    }
    if retry_at is None:
        values.update(status=FAILED, date_finished=now)
    else:
        values.update(status=QUEUED, run_at=retry_at)
    done = conn.execute(update(job).where(_mine(job_id, token)).values(**values))
    return done.rowcount == 1


def find(conn: Connection, job_id: str) -> Row | None:
    row = conn.execute(select(job).where(job.c.id == job_id)).mappings().first()
    return dict(row) if row is not None else None
