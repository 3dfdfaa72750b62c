"""Job kinds: a name, a handler, and how often and how soon to retry.

A feature declares its kind once (at import, like a resource spec) and enqueues jobs of it with
`leadbase.db.jobs.enqueue(ctx, kind, payload)` inside the request's transaction: the job exists
only if the request commits, and a worker runs it after the commit.

    def export_leads(job: JobContext) -> dict[str, Any]:
        ...                      # job.payload, job.engine; job.keep_alive() in long loops
        return {"rows": n}       # stored as the job's result

    EXPORT = register(JobKind("export.lead", export_leads, max_attempts=3))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from leadbase.db import jobs


class JobLost(Exception):
    """The job's lease passed and another worker holds it now: stop without writing more."""


@dataclass
class JobContext:
    """What a handler gets: its row's payload, the engine, and a way to keep its lease."""

    engine: Engine
    row: dict[str, Any]
    lease: timedelta
    # The server's settings (leadbase.config.Settings) when the worker was given them: what a
    # handler needs of the configuration (an SMTP server) without importing config.
    settings: Any = None

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = self.row["payload"]
        return value

    @property
    def attempt(self) -> int:
        return int(self.row["attempts"])

    def keep_alive(self) -> None:
        """Renew the lease (call between batches of a long job); raises JobLost if it was lost."""
        with self.engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                if not jobs.extend(conn, self.row["id"], self.row["claim"], self.lease):
                    raise JobLost(self.row["id"])


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable[[JobContext], Any]
    max_attempts: int = 5
    # Doubling from `first_retry` up to `max_retry` between attempts.
    first_retry: timedelta = timedelta(seconds=10)
    max_retry: timedelta = timedelta(minutes=20)
    lease: timedelta = field(default=timedelta(minutes=5))

    def retry_delay(self, attempts: int) -> timedelta:
        delay: timedelta = self.first_retry * 2 ** max(0, attempts - 1)
        return min(self.max_retry, delay)


kinds: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    if kind.name in kinds and kinds[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    kinds[kind.name] = kind
    return kind
