"""The tenant-scoped repository: every read is scoped, every write records its event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from leadbase.core import clock
from leadbase.core.errors import NotFound
from leadbase.core.ids import SHORT, new_id
from leadbase.db import signals
from leadbase.db.context import Context, first_rows
from leadbase.db.day_counts import kept_day_count
from leadbase.db.filters import Clause, bound_filter, compile_filter
from leadbase.db.kept import Stored, keeping, remember
from leadbase.db.models import COUNTED_TABLES, event, lead_activity_count, object_count
from leadbase.db.prepared import Prepared, driver_statement, one_of, run_on_driver, table_rows
from leadbase.db.query import ListQuery
from leadbase.db.resource import ResourceSpec

Row = dict[str, Any]

# The context memo's key of the rows `find_many` may answer from (Repository.rows_known).
_KNOWN_ROWS = "repository.known_rows"


def walks_in_order(table: Table, first_key: Any) -> bool:
    """Whether a page sorted first by `first_key` can read `table`'s rows in that order from an
    index (one leading with the organization and the key), and so stop after its first matches.

    Only then may a page's condition be checked row by row (`first_rows`): sorted by a column
    no index orders, the rows are all read and sorted whatever the condition, and a check per
    row (a word looked up in the text index) would cost every row of the organization."""
    if not isinstance(first_key, Column) or first_key.table is not table:
        return False
    return any(
        [c.name for c in list(index.columns)[:2]] == ["organization_id", first_key.name]
        for index in table.indexes
    )


# The order of a page's children: a key function without a Python frame per row.
_CREATED_THEN_ID = itemgetter("date_created", "id")


# Statements the hot paths run on every request, built once per resource, shape and dialect
# with bound parameters: building a select and its cache key cost ~130 us a statement, more
# than SQLite takes to answer it (measured: 172 us built per call, 41 us prepared, for a lead
# by id). How they run is db/prepared.py's.
_PREPARED: dict[tuple[str, str], Prepared] = {}
# An organization's kept count of one table's rows (parameters `organization_id`, `table_name`).
_KEPT_COUNT = select(func.coalesce(func.sum(object_count.c.n), 0)).where(
    object_count.c.organization_id == bindparam("organization_id"),
    object_count.c.table_name == bindparam("table_name"),
)


def kept_count(ctx: Context, table_name: str) -> int:
    """The organization's rows of `table_name` as the triggers keep them counted: never a count
    of the table."""
    params = {"organization_id": ctx.organization_id, "table_name": table_name}
    return int(ctx.conn.execute(_KEPT_COUNT, params).scalar_one())


def _prepared_scope(
    spec: ResourceSpec,
    shape: str,
    where: Callable[[Any, str], ColumnElement[bool]],
    *,
    lock: bool = False,
) -> Prepared:
    """`select(table)` scoped by `:organization_id` (and the discriminator), plus `where` (of the
    table and the dialect's name), built once.

    `lock` adds FOR UPDATE (which SQLAlchemy leaves out on SQLite); give such a shape its own name.
    """
    key = (spec.path, shape)
    prepared = _PREPARED.get(key)
    if prepared is None:

        def build(dialect: str) -> Select[Any]:
            stmt = _tenant_select(spec, bindparam("organization_id")).where(where(spec.table, dialect))
            return stmt.with_for_update() if lock else stmt

        prepared = _PREPARED[key] = Prepared(build)
    return prepared


def _tenant_select(spec: ResourceSpec, organization: Any) -> Select[Any]:
    """`select(table)` of one organization's rows (and of this resource's kind, on a shared table)."""
    table = spec.table
    stmt = select(table).where(table.c[spec.tenant_column] == organization)
    if spec.discriminator is not None:
        column, value = spec.discriminator
        stmt = stmt.where(table.c[column] == value)
    return stmt


# A list's rows as a select to count, built when something counts them.
Filtered = Callable[[], Select[Any]]

# Page selects by resource, filter shape and order (`_prepared_page`). Shapes come from clients'
# parameters: a process keeps a bounded number of them, and builds the rest per request.
_PAGES: dict[tuple[Any, ...], Prepared] = {}
MAX_PAGE_SHAPES = 1024


def _prepared_page(spec: ResourceSpec, query: ListQuery) -> tuple[Prepared, dict[str, Any]] | None:
    """The page's select and its filter values, when its filter is a `BoundFilter` and it is
    sorted by columns: built once per shape (the select and its cache key cost ~0.4 ms of a
    page of whole leads), with the window (`page_limit`, `page_offset`) bound too. None
    otherwise: the page is built per request (`Repository._page_reader`)."""
    bound = bound_filter(spec, query.where)
    if bound is None or any(o.build is not None for o in query.order_by):
        return None
    order = tuple((spec.orderings.get(o.name, o.name), o.descending) for o in query.order_by)
    if any(name not in spec.table.c for name, _ in order):
        return None
    key = (spec.path, bound.shape, order)
    prepared = _PAGES.get(key)
    if prepared is None:

        def build(dialect: str) -> Select[Any]:
            table = spec.table
            terms = [table.c[name].desc() if desc else table.c[name].asc() for name, desc in order]
            return (
                _tenant_select(spec, bindparam("organization_id"))
                .where(bound.condition(spec, dialect))
                .order_by(*terms, table.c.id.asc())
                .limit(bindparam("page_limit", type_=Integer))
                .offset(bindparam("page_offset", type_=Integer))
            )

        prepared = Prepared(build)
        if len(_PAGES) < MAX_PAGE_SHAPES:
            _PAGES[key] = prepared
    return prepared, bound.values


def _counting(filtered: Select[Any]) -> Select[Any]:
    """count(*) over a list's FROM and WHERE: an index-only count where an index covers it."""
    return filtered.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)


class Page:
    """One page of rows: whether more follow, and how many match when the list counts them.
    The total may still be being counted on an aside connection (db/aside.py): reading it
    waits for that count."""

    __slots__ = ("_total", "has_more", "rows")

    def __init__(self, rows: list[Row], has_more: bool, total: int | Future[int] | None = None) -> None:
        self.rows = rows
        self.has_more = has_more
        self._total = total

    @property
    def total(self) -> int | None:
        if isinstance(self._total, Future):
            self._total = int(self._total.result())
        return self._total


class Repository:
    """All reads and writes of tenant data go through here, scoped to the caller's organization."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ---- reading -------------------------------------------------------------------------

    def scoped(self, spec: ResourceSpec) -> Select[Any]:
        return _tenant_select(spec, self.ctx.organization_id)

    def find(self, spec: ResourceSpec, object_id: str, *, lock: bool = False) -> Row | None:
        """The row with this id, or None; `lock` holds it against other writers until commit.

        Lock a row before reading what a write will be computed from (the row it changes, a
        parent whose event it records): on PostgreSQL two writers would otherwise both merge
        into the same old version and one write would be lost. SQLite needs no row lock (a
        writer holds the database's write lock from BEGIN IMMEDIATE) and SQLAlchemy leaves
        FOR UPDATE out there.
        """
        if not isinstance(object_id, str):
            return None
        shape = "by_id_locked" if lock else "by_id"
        prepared = _prepared_scope(spec, shape, lambda t, _: t.c.id == bindparam("object_id"), lock=lock)
        params = {"organization_id": self.ctx.organization_id, "object_id": object_id}
        rows = prepared.rows(self.ctx.conn, params)
        return rows[0] if rows else None

    def get(self, spec: ResourceSpec, object_id: str, *, lock: bool = False) -> Row:
        row = self.find(spec, object_id, lock=lock)
        if row is None:
            raise NotFound.for_model(spec.model_name)
        return row

    def find_many(self, spec: ResourceSpec, ids: Iterable[str]) -> dict[str, Row]:
        wanted = list({i for i in ids if isinstance(i, str)})
        found: dict[str, Row] = {}
        known = self.ctx.memo.get(_KNOWN_ROWS, {}).get(spec.table.name)
        if known and spec.discriminator is None:
            found = {i: known[i] for i in wanted if i in known}
            wanted = [i for i in wanted if i not in found]
        if not wanted:
            return found
        prepared = _prepared_scope(spec, "by_ids", lambda t, d: one_of(t.c.id, "object_ids", d))
        params = {"organization_id": self.ctx.organization_id, "object_ids": wanted}
        found.update((row["id"], row) for row in prepared.rows(self.ctx.conn, params))
        return found

    @contextmanager
    def rows_known(self) -> Iterator[None]:
        """While rendering: `find_many` answers from the rows given to `know` (a page of leads
        and the children embedded in them) before it reads any. An opportunity embedded in its
        lead looked its lead up again, one more statement per page (5 ms on PostgreSQL, whose
        planner weighs every index of `lead`)."""
        before = self.ctx.memo.get(_KNOWN_ROWS)
        self.ctx.memo[_KNOWN_ROWS] = {table: dict(rows) for table, rows in (before or {}).items()}
        try:
            yield
        finally:
            if before is None:
                self.ctx.memo.pop(_KNOWN_ROWS, None)
            else:
                self.ctx.memo[_KNOWN_ROWS] = before

    def know(self, spec: ResourceSpec, rows: list[Row]) -> None:
        """Whole rows of `spec` just read, for `find_many` inside `rows_known` (rows without
        every column of the table, or of a table several resources share, are left out)."""
        known = self.ctx.memo.get(_KNOWN_ROWS)
        if known is None or not rows or spec.discriminator is not None:
            return
        if not all(column.name in rows[0] for column in spec.table.c):
            return
        known.setdefault(spec.table.name, {}).update((row["id"], row) for row in rows)

    def activity_counts(
        self, lead_ids: Sequence[str], types: Sequence[str]
    ) -> dict[str, dict[str, tuple[int, datetime | None]]]:
        """Per lead and activity type: (count, latest activity_at), as the triggers on `activity`
        keep them in `lead_activity_count`: one query for a page of leads."""
        if not lead_ids:
            return {}
        t = lead_activity_count
        stmt = select(t.c.lead_id, t.c.type, t.c.n, t.c.last_at).where(
            t.c.organization_id == self.ctx.organization_id,
            t.c.lead_id.in_(list(lead_ids)),
            t.c.type.in_(list(types)),
        )
        out: dict[str, dict[str, tuple[int, datetime | None]]] = {}
        for lead_id, type_name, n, last_at in self.ctx.conn.execute(stmt):
            out.setdefault(lead_id, {})[type_name] = (int(n), last_at)
        return out

    def children(
        self,
        spec: ResourceSpec,
        column: str,
        parent_ids: Sequence[str],
        only: tuple[tuple[str, object], ...] = (),
    ) -> list[Row]:
        """Rows of `spec` whose `column` is one of `parent_ids`: one query for a whole page.

        `only`: (column, value) pairs the rows must also hold (a lead's open tasks).
        """
        if not parent_ids:
            return []
        extra = "".join(f",{name}" for name, _ in only)

        def narrowed(condition: ColumnElement[bool], t: Any) -> ColumnElement[bool]:
            for name, _ in only:
                condition = condition & (t.c[name] == bindparam(f"only_{name}"))
            return condition

        if len(parent_ids) == 1:
            # One parent (an object GET): equality, the plainest statement for the planner.
            prepared = _prepared_scope(
                spec,
                f"children:{column}{extra}",
                lambda t, _: narrowed(t.c[column] == bindparam("parent_id"), t),
            )
            params: dict[str, Any] = {"organization_id": self.ctx.organization_id, "parent_id": parent_ids[0]}
        else:
            prepared = _prepared_scope(
                spec,
                f"children_of_many:{column}{extra}",
                lambda t, d: narrowed(one_of(t.c[column], "parent_ids", d), t),
            )
            params = {"organization_id": self.ctx.organization_id, "parent_ids": list(parent_ids)}
        params.update({f"only_{name}": value for name, value in only})
        # Sorted here, not in SQL: an ORDER BY date_created let SQLite (and PostgreSQL with stale
        # statistics) walk the organization's whole (organization_id, date_created) index
        # instead of looking the parents up, which made a page cost grow with the organization.
        rows = self._read(spec, lambda fetched: prepared.rows(self.ctx.conn, params, fetched_into=fetched))
        rows.sort(key=_CREATED_THEN_ID)
        return rows

    def list_page(self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None = None) -> Page:
        @cache
        def filtered() -> Select[Any]:
            # The list's FROM and WHERE, for a count: built only when something counts rows,
            # once however many ways it is counted (aside, then here when the aside cannot).
            scoped = base if base is not None else self.scoped(spec)
            if query.where is None:
                return scoped
            return scoped.where(compile_filter(self.ctx, spec, query.where))

        # The whole organization's count is kept by triggers: never a count of the table.
        whole = (
            base is None
            and query.where is None
            and spec.discriminator is None
            and spec.table.name in COUNTED_TABLES
        )
        if query.limit == 0:
            # No rows, yet has_more (and total_results) still describe what lies past _skip.
            count = (
                kept_count(self.ctx, spec.table.name) if whole else self._total(spec, query, base, filtered)
            )
            return Page([], has_more=count > query.skip, total=count if query.count_total else None)
        # The total is its own statement: a window count on the page query made the database
        # read and sort every matching row (whole rows) before applying LIMIT. Begun first: on
        # an aside connection it is counted while the page is read and rendered.
        # The page's select is built before its count begins: building it may work out what the
        # count reuses (how common a searched word is, in the context's memo).
        read_page = self._page_reader(spec, query, base)
        total: int | Future[int] | None = None
        if query.count_total:
            total = (
                kept_count(self.ctx, spec.table.name)
                if whole
                else self._total_soon(spec, query, base, filtered)
            )
        rows = read_page()
        has_more = len(rows) > query.limit
        return Page(rows[: query.limit], has_more=has_more, total=total)

    def _page_reader(
        self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None
    ) -> Callable[[], list[Row]]:
        """What reads the page's rows, and one more when another page follows: its select built."""
        window = {"page_limit": query.limit + 1, "page_offset": query.skip}
        prepared = _prepared_page(spec, query) if base is None else None
        if prepared is not None:
            # A page of plain comparisons and column sorts: its select is built once per shape.
            statement, values = prepared
            params = {"organization_id": self.ctx.organization_id, **values, **window}
            return lambda: self._read(
                spec, lambda fetched: statement.rows(self.ctx.conn, params, fetched_into=fetched)
            )
        scoped = base if base is not None else self.scoped(spec)
        stmt = scoped
        order = self._order(spec, query)
        if query.where is not None:
            # The page's own condition may be one checked row by row in the page's order.
            reading_first = walks_in_order(spec.table, self._first_key(spec, query))
            with first_rows(self.ctx, reading_first=reading_first, order=order):
                stmt = scoped.where(compile_filter(self.ctx, spec, query.where))
        stmt = stmt.order_by(*order).offset(query.skip).limit(query.limit + 1)
        # A page of the resource's own rows (`scoped`) selects the table's columns; a base may not.
        return lambda: self._read(
            spec,
            lambda fetched: table_rows(
                self.ctx.conn, stmt, spec.table, own_columns=base is None, fetched_into=fetched
            ),
        )

    def _read(self, spec: ResourceSpec, read: Callable[[list[Stored] | None], list[Row]]) -> list[Row]:
        """`read`'s rows (of a page or a page's children); for a resource whose renderings are
        kept (db/kept.py), each row's driver tuple is remembered for its rendering to be found by."""
        if not spec.service.keeps_renderings or not keeping(self.ctx):
            return read(None)
        fetched: list[Stored] = []
        rows = read(fetched)
        remember(self.ctx, rows, fetched)
        return rows

    def _order(self, spec: ResourceSpec, query: ListQuery) -> list[Any]:
        """The page's ORDER BY terms: the query's orderings, then the id."""
        table = spec.table
        order = []
        for ordering in query.order_by:
            if ordering.build is not None:
                order.extend(ordering.build(self.ctx, spec))
                continue
            column = table.c[spec.orderings.get(ordering.name, ordering.name)]
            order.append(column.desc() if ordering.descending else column.asc())
        order.append(table.c.id.asc())
        return order

    def _first_key(self, spec: ResourceSpec, query: ListQuery) -> Any:
        """The column a page is sorted by first (None: an order of the resource's own making)."""
        if not query.order_by:
            return spec.table.c.id
        first = query.order_by[0]
        if first.build is not None:
            return None
        return spec.table.c[spec.orderings.get(first.name, first.name)]

    def _total(
        self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None, filtered: Filtered
    ) -> int:
        """The number of rows a list matches: from the leads kept per status and day when the
        filter is one they answer, else `_counted`."""
        kept = self._kept_day_count(spec, query, base)
        return kept if kept is not None else self._counted(spec, query, base, filtered)

    def _kept_day_count(self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None) -> int | None:
        """A lead list's total by status and date range from its kept day counts (SQLite,
        db/day_counts.py): a few rows, read inline, sooner than an aside thread would start."""
        return kept_day_count(self.ctx, spec, query.where) if base is None else None

    def _counted(
        self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None, filtered: Filtered
    ) -> int:
        """The clause's own count when the clause is the whole filter and has one (a word search
        counts the index's leads), else a count of the rows."""
        counted = self._clause_count(spec, query, base)
        if counted is not None:
            return counted
        return int(self.ctx.conn.execute(_counting(filtered())).scalar_one())

    def _total_soon(
        self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None, filtered: Filtered
    ) -> int | Future[int]:
        """`_total`, or a Future of it counted on an aside connection (db/aside.py) while the
        caller goes on: a count of the rows, or the clause's own count (a word search's, from
        the text index), which may take as long (`name:Ac` at a million leads: 33 ms)."""
        kept = self._kept_day_count(spec, query, base)
        if kept is not None:
            return kept
        aside = self.ctx.aside
        if aside is None:
            return self._counted(spec, query, base, filtered)
        clause_count = self._clause_counter(spec, query, base)
        counting = _counting(filtered())
        sent = driver_statement(self.ctx.conn, counting) if clause_count is None else None
        if sent is not None:
            # On SQLite: compiled here, run there on the driver alone (prepared.py, `driver_statement`).
            text, values = sent
            soon_counted = aside.run(lambda conn: int(run_on_driver(conn, text, values)[0][0]))
            return soon_counted if soon_counted is not None else self._counted(spec, query, base, filtered)
        beside = self.ctx.beside()

        def count(conn: Connection) -> int:
            if clause_count is not None:
                counted = clause_count(beside(conn), spec)
                if counted is not None:
                    return counted
            return int(conn.execute(counting).scalar_one())

        soon = aside.run(count)
        return soon if soon is not None else self._counted(spec, query, base, filtered)

    def _clause_counter(
        self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None
    ) -> Callable[[Context, ResourceSpec], int | None] | None:
        """The clause's own way to count what it selects, when the clause is the whole filter."""
        clause = query.where
        if base is None and spec.discriminator is None and isinstance(clause, Clause):
            return clause.count
        return None

    def _clause_count(self, spec: ResourceSpec, query: ListQuery, base: Select[Any] | None) -> int | None:
        count = self._clause_counter(spec, query, base)
        return count(self.ctx, spec) if count is not None else None

    # ---- writing -------------------------------------------------------------------------

    def insert_row(self, spec: ResourceSpec, values: Row) -> Row:
        """Insert without an event: callers record it once the object is complete."""
        row = self.new_row(spec, values)
        # Parameters apart from the statement: one compiled INSERT per column set, reused.
        self.ctx.conn.execute(insert(spec.table), row)
        return row

    def new_row(self, spec: ResourceSpec, values: Row, now: datetime | None = None) -> Row:
        """The full row insert_row would write (id, tenant, audit columns), without writing it."""
        now = now or clock.now()
        row = {
            "organization_id": self.ctx.organization_id,
            "date_created": now,
            "date_updated": now,
            "created_by": self.ctx.actor.user_id,
            "updated_by": self.ctx.actor.user_id,
            **values,
        }
        row.setdefault("id", new_id(spec.id_prefix, spec.id_length))
        if spec.discriminator is not None:
            row[spec.discriminator[0]] = spec.discriminator[1]
        columns = spec.table.c
        return {k: v for k, v in row.items() if k in columns}

    def insert_rows(self, spec: ResourceSpec, rows: list[Row]) -> None:
        """Insert rows made by new_row in one executemany (bulk loading); events are the caller's."""
        if rows:
            self.ctx.conn.execute(insert(spec.table), rows)

    def update_row(self, spec: ResourceSpec, row: Row, values: Row) -> Row:
        if not values:
            return row
        values = {
            "date_updated": clock.now(),
            "updated_by": self.ctx.actor.user_id,
            **values,
        }
        values = {k: v for k, v in values.items() if k in spec.table.c}
        table = spec.table
        self.ctx.conn.execute(
            update(table)
            .where(table.c[spec.tenant_column] == self.ctx.organization_id, table.c.id == row["id"])
            .values(values)
        )
        return {**row, **values}

    def set_order(self, spec: ResourceSpec, ids: Sequence[str], column: str = "position") -> None:
        """Number the rows `ids` 0, 1, 2... in `column`: an ordered list's new order (the lead
        statuses reordered through PUT /organization/). No event: the order is not part of the
        rows' representations; the list that shows it belongs to the caller."""
        table = spec.table
        stmt = (
            update(table)
            .where(
                table.c[spec.tenant_column] == bindparam("tenant"),
                table.c.id == bindparam("row_id"),
            )
            .values({column: bindparam("new_position")})
        )
        tenant = self.ctx.organization_id
        self.ctx.conn.execute(
            stmt, [{"tenant": tenant, "row_id": i, "new_position": n} for n, i in enumerate(ids)]
        )

    def delete_row(self, spec: ResourceSpec, row: Row) -> None:
        table = spec.table
        self.ctx.conn.execute(
            delete(table).where(
                table.c[spec.tenant_column] == self.ctx.organization_id, table.c.id == row["id"]
            )
        )

    # ---- the event log -------------------------------------------------------------------

    def record(
        self,
        spec: ResourceSpec,
        row: Row,
        action: str,
        *,
        data: Row | None,
        previous_data: Row | None,
        changed_fields: list[str] | None = None,
        object_type: str | None = None,
    ) -> None:
        """Write one event row in the current transaction."""
        values = self.event_row(
            spec,
            row,
            action,
            data=data,
            previous_data=previous_data,
            changed_fields=changed_fields,
            object_type=object_type,
        )
        if values is not None:
            self.ctx.conn.execute(insert(event), values)

    def event_row(
        self,
        spec: ResourceSpec,
        row: Row,
        action: str,
        *,
        data: Row | None,
        previous_data: Row | None,
        changed_fields: list[str] | None = None,
        object_type: str | None = None,
    ) -> Row | None:
        """The event row `record` writes (None when the resource logs no events)."""
        kind = object_type or spec.event_object_type(row)
        if kind is None:
            return None
        lead_id = row.get(spec.lead_column) if spec.lead_column else None
        now = clock.now()
        return {
            "id": new_id("ev", SHORT),
            "organization_id": self.ctx.organization_id,
            "date_created": now,
            "date_updated": now,
            "object_type": kind,
            "object_id": row["id"],
            "lead_id": lead_id,
            "action": action,
            "user_id": self.ctx.actor.user_id,
            "api_key_id": self.ctx.actor.api_key_id,
            "request_id": self.ctx.request_id,
            "changed_fields": changed_fields or [],
            "data": data,
            "previous_data": previous_data,
            "meta": dict(self.ctx.meta),
        }

    def record_rows(self, rows: list[Row]) -> None:
        """Write event rows made by event_row in one executemany, in list order."""
        if rows:
            self.ctx.conn.execute(insert(event), rows)
            # The webhook dispatcher of this process looks at the log as soon as they commit.
            signals.after_commit(self.ctx)


def diff(before: Row, after: Row) -> list[str]:
    """Names of the top-level keys whose values differ, in a stable order."""
    keys = list(after) + [k for k in before if k not in after]
    return [k for k in keys if before.get(k) != after.get(k)]
