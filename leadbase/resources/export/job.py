"""The export job: select, then write the file in batches, in constant memory.

1. The selection (selection.py) is one statement of ids, streamed in a read transaction into
   a spool file beside the export (one id a line): the count is `n_docs`, and no list of a
   million ids is ever held.
2. The spool is read back in batches of BATCH ids. Each batch is one short read transaction:
   the rows by id (one statement), rendered by their resource's own service (which loads the
   batch's contacts, opportunities, tasks and users in one statement per table), written to
   the gzip stream, then the progress (`n_docs_processed`) is recorded and the job's lease
   renewed. Memory is one batch, whatever the export's size.
3. The file is written under a temporary name and renamed when complete, so a download never
   sees half a file; a worker that dies mid-export leaves its lease to expire and the next
   attempt starts over. When done, an `export.expire` job is queued for the end of the file's
   lifetime (`export_keep_hours`), which deletes it.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine

from leadbase.core import clock
from leadbase.core.errors import LeadbaseError
from leadbase.db import exports, jobs
from leadbase.db.context import Actor, Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.jobs.registry import JobContext, JobKind, JobLost, register
from leadbase.resources.export import shapes
from leadbase.resources.export.selection import selection

BATCH = 500
# gzip's default (9) costs about twice the time of 6 for a file a few percent smaller.
COMPRESSION = 6
EXPIRE_KIND = "export.expire"
MAX_ATTEMPTS = 3


def _context(
    conn: Connection, row: Row, payload: dict[str, Any], params: dict[str, str] | None = None
) -> Context:
    actor = Actor(row["organization_id"], row["created_by"], None, payload.get("role_id") or "admin")
    ctx = Context(
        conn=conn,
        actor=actor,
        meta={"request_method": "EXPORT", "request_path": f"/export/{row['id']}/"},
        tz_offset=payload.get("tz_offset"),
        params=params or {},
    )
    ctx.memo["base_url"] = payload.get("base_url") or ""
    return ctx


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            yield conn


def _spool(engine: Engine, row: Row, payload: dict[str, Any], path: Path) -> int:
    """Stream the selected ids into `path`, one a line; how many there are."""
    count = 0
    with _reading(engine) as conn, path.open("w", encoding="ascii") as out:
        stmt = selection(_context(conn, row, payload), row)
        result = conn.execution_options(stream_results=True, yield_per=5000).execute(stmt)
        for partition in result.partitions():
            out.write("".join(f"{r[0]}\n" for r in partition))
            count += len(partition)
    return count


def _batches(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="ascii") as spool:
        batch: list[str] = []
        for line in spool:
            batch.append(line.rstrip("\n"))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


class Render:
    """Renders one batch of selected ids into the export's records (one read transaction)."""

    def __init__(self, row: Row, payload: dict[str, Any]) -> None:
        self.row = row
        self.payload = payload
        self.spec: ResourceSpec = resources.get("lead" if row["kind"] == "lead" else "opportunity")
        smart = row["include_smart_fields"] and row["type"] == "leads"
        self.params = {"_fields": "_all"} if smart else {}
        self.activities = row["include_activities"] and row["type"] == "leads" and row["format"] == "json"

    def batch(self, conn: Connection, ids: list[str]) -> list[shapes.Record]:
        ctx = _context(conn, self.row, self.payload, self.params)
        ctx.shown = shapes.LEAD_SHOWN.get(self.row["type"])
        table = self.spec.table
        found = {
            r["id"]: dict(r)
            for r in conn.execute(Repository(ctx).scoped(self.spec).where(table.c.id.in_(ids))).mappings()
        }
        rows = [found[i] for i in ids if i in found]  # deleted since the selection: left out
        rendered = self.spec.service(ctx, self.spec).render(rows) if rows else []
        if self.activities and rendered:
            self._add_activities(ctx, rendered)
        out = []
        fields = self.row["fields"]
        for record in shapes.records(self.row["type"], rendered):
            out.append(shapes.project(record, fields))
        return out

    def _add_activities(self, ctx: Context, leads: list[shapes.Record]) -> None:
        spec = resources.get("activity")
        table = spec.table
        stmt = (
            Repository(ctx)
            .scoped(spec)
            .where(table.c.lead_id.in_([lead["id"] for lead in leads]))
            .order_by(table.c.date_created.desc(), table.c.id)
        )
        rows = [dict(r) for r in ctx.conn.execute(stmt).mappings()]
        rendered = spec.service(ctx, spec).render(rows) if rows else []
        by_lead: dict[str, list[shapes.Record]] = {}
        for activity_row, data in zip(rows, rendered, strict=True):
            by_lead.setdefault(activity_row["lead_id"], []).append(data)
        for lead in leads:
            lead["activities"] = by_lead.get(lead["id"], [])


class JsonFile:
    """A JSON array, one record a line, written as records arrive."""

    def __init__(self, stream: gzip.GzipFile) -> None:
        self.stream = stream
        self.first = True
        stream.write(b"[")

    def write(self, records: list[shapes.Record]) -> None:
        for record in records:
            self.stream.write(b"\n" if self.first else b",\n")
            self.stream.write(orjson.dumps(record))
            self.first = False

    def close(self) -> None:
        self.stream.write(b"\n]\n")


class CsvFile:
    """CSV with a header fixed by the first batch (see shapes.columns)."""

    def __init__(self, stream: gzip.GzipFile, row: Row, ctx_of: Any, declared: frozenset[str]) -> None:
        self.text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        self.out = csv.writer(self.text)
        self.row = row
        self.ctx_of = ctx_of
        self.declared = declared
        self.header: list[shapes.Column] | None = None

    def write(self, records: list[shapes.Record]) -> None:
        if self.header is None:
            self._start(records[0] if records else None)
        assert self.header is not None
        date_format = self.row["date_format"]
        self.out.writerows(shapes.csv_row(r, self.header, date_format) for r in records)

    def _start(self, first: shapes.Record | None) -> None:
        ctx = self.ctx_of()
        self.header = shapes.columns(ctx, self.row["type"], self.row["fields"], first, self.declared)
        self.out.writerow([c.name for c in self.header])

    def close(self) -> None:
        if self.header is None:
            self._start(None)
        self.text.flush()
        self.text.detach()


def _declared(export_type: str) -> frozenset[str]:
    spec = resources.get({"leads": "lead", "contacts": "contact"}.get(export_type, "opportunity"))
    assert spec.fields is not None
    return frozenset(f.name for f in spec.fields.declared)


def write_file(job: JobContext, row: Row, directory: Path) -> dict[str, Any]:
    engine, payload = job.engine, job.payload
    directory.mkdir(parents=True, exist_ok=True)
    spool = directory / f".{row['id']}.ids"
    partial = directory / f".{row['id']}.{row['format']}.gz.partial"
    try:
        total = _spool(engine, row, payload, spool)
        with _writing(engine) as conn:
            exports.start(conn, row["id"], total)
        render = Render(row, payload)
        processed = 0
        with gzip.open(partial, "wb", compresslevel=COMPRESSION) as stream:
            writer: JsonFile | CsvFile
            if row["format"] == "json":
                writer = JsonFile(stream)
            else:

                def ctx_of() -> Context:
                    return _context(held, row, payload)

                writer = CsvFile(stream, row, ctx_of, _declared(row["type"]))
            for ids in _batches(spool):
                with _reading(engine) as held:
                    writer.write(render.batch(held, ids))
                processed += len(ids)
                with _writing(engine) as conn:
                    exports.progress(conn, row["id"], processed)
                job.keep_alive()
            with _reading(engine) as held:
                writer.close()
        final = directory / f"{row['id']}.{row['format']}.gz"
        os.replace(partial, final)
        expires_at = clock.now() + timedelta(seconds=float(payload.get("keep_seconds") or 7 * 86400))
        with _writing(engine) as conn:
            ctx = _context(conn, row, payload)
            _complete(
                ctx,
                row["id"],
                processed=processed,
                file_name=f"{row['id']}.{row['format']}",
                size=final.stat().st_size,
                expires_at=expires_at,
            )
            jobs.enqueue(
                ctx, EXPIRE_KIND, {"export_id": row["id"], "path": os.fspath(final)}, run_at=expires_at
            )
        return {"n_docs": total, "bytes": final.stat().st_size}
    finally:
        for leftover in (spool, partial):
            with suppress(FileNotFoundError):
                leftover.unlink()


def _complete(ctx: Context, export_id: str, **done: Any) -> None:
    """Record the finished export through its service: Close's `updated` and `completed` events."""
    spec = resources.get("export")
    service = spec.service(ctx, spec)
    with ctx.unit.operation():
        current = ctx.unit.changing(spec, service.get(export_id))
        finished = service.change(current, exports.finished(**done))
        ctx.unit.announce(spec, finished, "completed", first=False)
    ctx.flush()


def run_export(job: JobContext) -> dict[str, Any]:
    export_id = job.payload["export_id"]
    with _reading(job.engine) as conn:
        row = exports.find(conn, export_id)
    if row is None or row["status"] in (exports.DONE, exports.ERROR):
        return {"skipped": True}
    try:
        return write_file(job, row, Path(job.payload["directory"]))
    except JobLost:
        raise
    except LeadbaseError as exc:
        # The selection no longer holds (a smart view deleted since): trying again will not help.
        with _writing(job.engine) as conn:
            exports.fail(conn, export_id, exc.message)
        return {"error": exc.message}
    except Exception as exc:
        if job.attempt >= MAX_ATTEMPTS:
            with _writing(job.engine) as conn:
                exports.fail(conn, export_id, f"{type(exc).__name__}: {exc}")
        raise


def expire_export(job: JobContext) -> dict[str, Any]:
    with suppress(FileNotFoundError):
        Path(job.payload["path"]).unlink()
    with _writing(job.engine) as conn:
        exports.expire(conn, job.payload["export_id"])
    return {"expired": job.payload["export_id"]}


EXPORT_JOB = register(JobKind("export", run_export, max_attempts=MAX_ATTEMPTS))
EXPIRE_JOB = register(JobKind(EXPIRE_KIND, expire_export, max_attempts=5))
