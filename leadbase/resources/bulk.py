"""Bulk loading: many creates in few statements, with the rows and events the API would write.

`load` takes bodies in the shape of POST /<resource>/ (a lead with nested contacts, a custom
object, ...), validates each with the resource's own service, and writes a batch in one
executemany per table: rows first, then the event rows, in the order the API would have
written them one request at a time. Each batch is one transaction.

What differs from the same bodies POSTed one by one: the events of a batch share one
request_id and carry `meta = {"request_method": "BULK", "request_path": <path>}`; with
`keep_dates`, a body's `date_created`/`date_updated` (ISO 8601) are kept, as an import of
historical data would; nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Engine, text

from leadbase.core import clock
from leadbase.core.dates import parse_datetime
from leadbase.core.errors import Invalid
from leadbase.core.ids import SHORT, new_id
from leadbase.db.context import Actor, Context
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec, resources
from leadbase.db.service import Service, require_object

DEFAULT_BATCH = 500
# Per-request memo entries that are plain read caches, safe to keep from one batch to the next.
READ_CACHES = ("lead_statuses", "user_names", "custom_fields:")


@dataclass
class LoadReport:
    created: int = 0
    batches: int = 0


class BulkInvalid(Invalid):
    """A body of the input failed validation; `index` counts from 0 over the whole input."""

    def __init__(self, index: int, exc: Invalid) -> None:
        super().__init__(exc.field_errors, [f"item {index}: {exc.message}", *exc.errors])
        self.index = index


def _dates(body: dict[str, Any], keep_dates: bool) -> datetime:
    if keep_dates and isinstance(body.get("date_created"), str):
        try:
            return parse_datetime(body["date_created"], None)
        except ValueError as exc:
            raise Invalid.field("date_created", "Not a valid date.") from exc
    return clock.now()


class Loader:
    """Writes batches of one resource's creates through its service and the repository."""

    def __init__(self, ctx: Context, spec: ResourceSpec, keep_dates: bool = False) -> None:
        self.ctx = ctx
        self.spec = spec
        self.service: Service = spec.service(ctx, spec)
        self.repo = self.service.repo
        self.keep_dates = keep_dates

    @classmethod
    def tables(cls, spec: ResourceSpec) -> list[str]:
        """The tables a load of `spec` writes."""
        return [spec.table.name, "event"]

    def write(self, bodies: list[dict[str, Any]], offset: int) -> None:
        if not self._generic():
            # The service does more than validate, insert and render: create one by one.
            for index, raw in enumerate(bodies):
                try:
                    self.service.create(require_object(raw))
                except Invalid as exc:
                    raise BulkInvalid(offset + index, exc) from exc
            return
        rows: list[Row] = []
        for index, raw in enumerate(bodies):
            try:
                body = require_object(raw)
                rows.append(self._row(body))
            except Invalid as exc:
                raise BulkInvalid(offset + index, exc) from exc
        self.repo.insert_rows(self.spec, rows)
        events = []
        for row, data in zip(rows, self.service.render(rows), strict=True):
            events.append(self.repo.event_row(self.spec, row, "created", data=data, previous_data={}))
        self.repo.record_rows([e for e in events if e is not None])

    def _generic(self) -> bool:
        kind = type(self.service)
        if any(parent.touches for parent in self.spec.parents):
            return False  # each create changes its parent too: the unit of work records both
        return kind.create is Service.create and kind.after_create is Service.after_create

    def _row(self, body: dict[str, Any]) -> Row:
        values = self.service.validate_create(body)
        return self.repo.new_row(self.spec, values, _dates(body, self.keep_dates))


class LeadLoader(Loader):
    """Leads with nested contacts: the contacts' events come first, then the lead's, as in the API."""

    @classmethod
    def tables(cls, spec: ResourceSpec) -> list[str]:
        return [spec.table.name, spec.embedded("contacts").table.name, "activity", "event"]

    def write(self, bodies: list[dict[str, Any]], offset: int) -> None:
        contact_spec = self.spec.embedded("contacts")
        contact_service = contact_spec.service(self.ctx, contact_spec)
        lead_rows: list[Row] = []
        contact_rows: list[Row] = []
        contacts_of: list[list[Row]] = []
        for index, raw in enumerate(bodies):
            try:
                body = require_object(raw)
                contacts = body.get("contacts") or []
                if not isinstance(contacts, list):
                    raise Invalid.field("contacts", "Expected a list of contacts.")
                values = self.service.validate_create({k: v for k, v in body.items() if k != "contacts"})
                values["source"] = "import"
                when = _dates(body, self.keep_dates)
                lead_row = self.repo.new_row(self.spec, values, when)
                own = []
                nested: dict[str, Any] = {}
                for number, contact_body in enumerate(contacts):
                    try:
                        contact_values = contact_service.validate_embedded(contact_body, lead_row["id"])
                    except Invalid as exc:
                        nested[str(number)] = exc.body()
                        continue
                    contact_values["lead_id"] = lead_row["id"]
                    # Contacts are created after their lead, in body order (their list order).
                    moment = when + timedelta(microseconds=number + 1)
                    own.append(self.repo.new_row(contact_spec, contact_values, moment))
                if nested:
                    raise Invalid({"contacts": {"errors": nested}})
            except Invalid as exc:
                raise BulkInvalid(offset + index, exc) from exc
            lead_rows.append(lead_row)
            contact_rows.extend(own)
            contacts_of.append(own)
        self.repo.insert_rows(self.spec, lead_rows)
        self.repo.insert_rows(contact_spec, contact_rows)
        # Each lead's Created activity, as the API records it (with the lead's source: import).
        created_spec = resources.get("activity/created")
        created_rows = [self._created(created_spec, lead_row) for lead_row in lead_rows]
        self.repo.insert_rows(created_spec, created_rows)
        created_data = created_spec.service(self.ctx, created_spec).render(created_rows)
        events: list[Row | None] = []
        for lead_row, data, own, created_row, created_shown in zip(
            lead_rows, self.service.render(lead_rows), contacts_of, created_rows, created_data, strict=True
        ):
            # A lead renders its contacts with the contact service, as a contact's own event does:
            # take them from there instead of rendering every contact twice.
            embedded = data.get("contacts")
            by_id = {c.get("id"): c for c in embedded} if isinstance(embedded, list) else {}
            for contact_row in own:
                contact_data = by_id.get(contact_row["id"]) or contact_service.render([contact_row])[0]
                events.append(
                    self.repo.event_row(
                        contact_spec, contact_row, "created", data=contact_data, previous_data={}
                    )
                )
            # As in the API, the lead's Created activity is recorded just before the lead.
            events.append(
                self.repo.event_row(
                    created_spec, created_row, "created", data=created_shown, previous_data={}
                )
            )
            events.append(self.repo.event_row(self.spec, lead_row, "created", data=data, previous_data={}))
        self.repo.record_rows([e for e in events if e is not None])

    def _created(self, spec: ResourceSpec, lead_row: Row) -> Row:
        moment = lead_row["date_created"]
        values = {
            "lead_id": lead_row["id"],
            "contact_id": None,
            "user_id": lead_row["created_by"],
            "activity_at": moment,
            "source": lead_row.get("source") or "import",
            "payload": {"import_id": None},
            "custom": {},
        }
        return self.repo.new_row(spec, values, moment)


LOADERS: dict[str, type[Loader]] = {"lead": LeadLoader}


def _refresh_statistics(engine: Engine, tables: list[str]) -> None:
    """ANALYZE what a load writes, after batches 1, 2, 4, 8...: PostgreSQL plans a growing
    table with the statistics of the empty one until autovacuum catches up (never, where it
    is off), and a page of children then scans the whole organization. SQLite needs none."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.execute(text("ANALYZE " + ", ".join(f'"{t}"' for t in tables)))
        conn.commit()


def batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load(
    engine: Engine,
    actor: Actor,
    path: str,
    bodies: Iterable[dict[str, Any]],
    *,
    batch_size: int = DEFAULT_BATCH,
    keep_dates: bool = False,
    settings: Any = None,
    progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Create every body as `actor` in the resource at `path` (``lead``, ``custom_object``...).

    Commits once per batch: on an invalid body, the batches before it stay and BulkInvalid
    names the body.
    """
    spec = resources.get(path)
    loader_class = LOADERS.get(path, Loader)
    report = LoadReport()
    meta = {"request_method": "BULK", "request_path": f"/api/v1/{path}/"}
    memo: dict[str, Any] = {}
    for chunk in batches(bodies, batch_size):
        with engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                ctx = Context(conn=conn, actor=actor, request_id=new_id("req", SHORT), meta=meta)
                if settings is not None:
                    ctx.memo["settings"] = settings
                # Statuses, user names and field definitions are read once per load, not per batch.
                ctx.memo.update(memo)
                loader_class(ctx, spec, keep_dates).write(chunk, report.created)
                memo = {k: v for k, v in ctx.memo.items() if k.startswith(READ_CACHES)}
        report.created += len(chunk)
        report.batches += 1
        if report.batches & (report.batches - 1) == 0:
            _refresh_statistics(engine, loader_class.tables(spec))
        if progress is not None:
            progress(report)
    return report
