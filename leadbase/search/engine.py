"""The entry points of Advanced Filtering: compile a query, and run a search page by page.

    compile_query(ctx, "lead", {"type": "and", "queries": [...]})  -> a WHERE condition on `lead`
    query_filter("lead", query)     -> the same as a db/filters node, for list_page and friends
    search(ctx, request, limits)    -> one page of rows of a POST /data/search/ body, in order

The condition is scoped to the caller's organization (and, for activities, to the type), so
it may be used on a bare `select(table)`. Cursors are keyset positions (search/cursors.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, and_, func, select

from leadbase.core.errors import Invalid
from leadbase.db.context import Context, first_rows
from leadbase.db.filters import Clause, value_of
from leadbase.db.models import COUNTED_TABLES
from leadbase.db.prepared import rows_of
from leadbase.db.repository import kept_count, walks_in_order
from leadbase.db.resource import ResourceSpec
from leadbase.search import cursors
from leadbase.search import nodes as n
from leadbase.search.compiler import Compiler, find_object_type
from leadbase.search.cursors import SortKey
from leadbase.search.day_totals import count_leads_by_status_and_day
from leadbase.search.fulltext import count_leads_with_words
from leadbase.search.name_counts import count_leads_by_name_start, lone_name_start
from leadbase.search.targets import SEARCHABLE, Target, target
from leadbase.search.value_counts import count_from_values

DEFAULT_LIMIT = 100
MAX_LIMIT = 200
# Close's documented ceilings, applied only under the strict setting (SearchLimits).
CLOSE_MAX_RESULTS = 10_000
CLOSE_CURSOR_SECONDS = 30.0
# Close refuses a search selecting too many `_fields` (about 80 pass, about 140 do not; the
# exact ceiling is undocumented): leadbase's strict setting refuses more than this many.
CLOSE_MAX_SELECTORS = 100
MAX_SORTS = 5


@dataclass(frozen=True)
class SearchLimits:
    """How far a cursor chain may go, how long a cursor lives and how many `_fields` one search
    may select (None: no limit)."""

    max_results: int | None = None
    cursor_seconds: float | None = None
    max_selectors: int | None = None


CLOSE_LIMITS = SearchLimits(CLOSE_MAX_RESULTS, CLOSE_CURSOR_SECONDS, CLOSE_MAX_SELECTORS)


def searchable(object_type: str, path: str = "query") -> Target:
    found = target(object_type)
    if found is None or found.name not in SEARCHABLE:
        raise n.bad(path, f"Cannot search {object_type!r}: use one of " + ", ".join(sorted(SEARCHABLE)) + ".")
    return found


def compile_query(
    ctx: Context,
    object_type: str,
    query: Mapping[str, Any] | n.Node,
    *,
    pending_view: str | None = None,
) -> ColumnElement[bool]:
    """The condition on `object_type`'s table that selects what Close's JSON `query` matches.

    Raises Invalid (a 400 naming the JSON path) for a malformed or unknown construct, and
    NotFound for a smart view the caller cannot see. `pending_view`: the id of the smart view
    this query is about to be saved as (a view reaching itself is then a loop, a 400).
    """
    tree = n.parse(query) if isinstance(query, Mapping) else query
    on = searchable(object_type)
    compiler = Compiler(ctx, pending={pending_view: tree} if pending_view else None)
    if pending_view:
        compiler.views.append(pending_view)
    return and_(*on.scope(ctx, on.table), compiler.compile(tree, on))


def query_filter(object_type: str, query: Mapping[str, Any] | n.Node) -> Clause:
    """`compile_query` as a filter tree node (db/filters.py), parsed now and compiled with the
    request's context when the list runs: `ListQuery.where = query_filter("lead", q)`."""
    tree = n.parse(query) if isinstance(query, Mapping) else query

    def build(ctx: Context, spec: ResourceSpec) -> ColumnElement[bool]:
        return compile_query(ctx, object_type, tree)

    def count(ctx: Context, spec: ResourceSpec) -> int | None:
        return _count_without_rows(ctx, object_type, tree)

    return Clause(("search", object_type, tree), build, count)


def _count(ctx: Context, object_type: str, tree: n.Node) -> int:
    """The number of objects a search matches."""
    known = _count_without_rows(ctx, object_type, tree)
    if known is not None:
        return known
    table = searchable(object_type).table
    every = compile_query(ctx, object_type, tree)  # collects every match: not the page's form
    return int(ctx.conn.execute(select(func.count()).select_from(table).where(every)).scalar_one())


def _count_without_rows(ctx: Context, object_type: str, tree: n.Node) -> int | None:
    """The number of objects a search matches when it is known without counting them: every
    lead (the count the triggers keep), the leads of a word search (those of its index rows), the
    leads of a name's word start (SQLite: the same rows, `name_counts`), the leads of statuses
    and a creation range (SQLite: the kept day counts, `day_totals`), the objects of a condition
    on one custom field (PostgreSQL: rows of `custom_value`); None for other searches."""
    on = searchable(object_type)
    if on.table.name in COUNTED_TABLES and _matches_every(tree, object_type):
        return kept_count(ctx, on.table.name)
    lone = lone_condition(tree) if object_type == "lead" else None
    if isinstance(lone, n.Text) and not lone.negate:
        return count_leads_with_words(ctx, lone.value, lone.mode)
    name_start = lone_name_start(lone)
    if name_start is not None:
        known = count_leads_by_name_start(ctx, name_start)
        if known is not None:
            return known
    if object_type == "lead":
        kept = count_leads_by_status_and_day(ctx, tree)
        if kept is not None:
            return kept
    return count_from_values(ctx, on, tree)


def lone_condition(tree: n.Node) -> n.Node | None:
    """A lead query's one condition (`GET /lead/?query=okafor`, `name:Ac`): the node alone, or
    beside the object type in an `and`; None when there are several."""
    if isinstance(tree, n.And) and not tree.negate:
        conditions = [q for q in tree.queries if not _is_leads(q)]
        return lone_condition(conditions[0]) if len(conditions) == 1 else None
    return tree


def _is_leads(node: n.Node) -> bool:
    return isinstance(node, n.ObjectType) and node.object_type == "lead" and not node.negate


def related_ids(column: str, object_type: str, query: Mapping[str, Any] | n.Node) -> Clause:
    """A filter tree node: the rows whose `column` names an object of `object_type` that `query`
    matches (`related_ids("lead_id", "lead", view)`: the opportunities of a smart view's leads)."""
    tree = n.parse(query) if isinstance(query, Mapping) else query

    def build(ctx: Context, spec: ResourceSpec) -> ColumnElement[bool]:
        on = searchable(object_type)
        matching = select(on.table.c.id).where(compile_query(ctx, object_type, tree))
        return spec.table.c[column].in_(matching)

    return Clause(("related", column, object_type, tree), build)


def object_type_of(query: Mapping[str, Any] | n.Node, default: str = "lead") -> str:
    """The object type a query searches (its top-level object_type node), `default` without one."""
    tree = n.parse(query) if isinstance(query, Mapping) else query
    return find_object_type(tree) or default


# ---- sorting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    field: n.FieldRef
    descending: bool


def parse_sort(raw: Any, path: str = "sort") -> tuple[Sort, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise n.bad(path, "Expected a list of sorts.")
    if len(raw) > MAX_SORTS:
        raise n.bad(path, f"At most {MAX_SORTS} sorts.")
    sorts = []
    for i, item in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            raise n.bad(where, "Expected an object with direction and field.")
        direction = item.get("direction", "asc")
        if direction not in ("asc", "desc"):
            raise n.bad(f"{where}.direction", "Expected asc or desc.")
        sorts.append(Sort(n.field_ref(item.get("field"), f"{where}.field"), direction == "desc"))
    return tuple(sorts)


def sort_keys(ctx: Context, on: Target, sorts: tuple[Sort, ...]) -> list[SortKey]:
    """The terms of the order: the sorts (nulls last either way), else newest first; then the id."""
    table = on.table
    keys: list[SortKey] = []
    for i, sort in enumerate(sorts):
        where = f"sort[{i}].field"
        ref = sort.field
        if isinstance(ref, n.CustomField):
            expression = value_of(ctx, on.spec, "custom." + ref.custom_field_id)
            if expression is None:
                raise n.bad(where, f"{on.name} has no custom fields.")
        else:
            if ref.object_type != on.name:
                raise n.bad(f"{where}.object_type", f"Only fields of {on.name} sort a search of {on.name}.")
            value = on.value(ctx, table, ref.field_name)
            if value is None:
                raise n.bad(f"{where}.field_name", f"{on.name} has no field {ref.field_name!r}.")
            if not value.sortable or value.kind in ("id", "bool"):
                raise n.bad(f"{where}.field_name", f"{ref.field_name} cannot be sorted by.")
            expression = value.expression
        # A NOT NULL column needs no null placement, which would keep its index from the order.
        nullable = not (isinstance(expression, Column) and not expression.nullable)
        # SQLite's NULLs sort first: a descending key puts them last by itself (and its index
        # is read in that order); an ascending one sorts on whether the value is null first.
        flag = nullable and ctx.conn.dialect.name == "sqlite" and not sort.descending
        keys.append(SortKey(expression, sort.descending, nullable=nullable, null_flag=flag))
    if not sorts:
        # Never null: no NULLS LAST, which the (organization_id, date_created) index would not match.
        keys.append(SortKey(table.c.date_created, True, nullable=False))
    keys.append(SortKey(table.c.id, False, nullable=False))
    return keys


def in_index_order(on: Target, first: SortKey) -> bool:
    """Whether a page sorted first by `first` reads its rows in an index's order (`first_rows`):
    not when SQLite sorts on whether the value is null first, which no index holds."""
    return not first.null_flag and walks_in_order(on.table, first.expression)


def order_by(ctx: Context, on: Target, sorts: tuple[Sort, ...]) -> list[Any]:
    """ORDER BY terms for the sorts (nulls last either way), then the default order, then the id."""
    return [term for key in sort_keys(ctx, on, sorts) for term in key.terms()]


# ---- running a search ------------------------------------------------------------------------


@dataclass
class SearchPage:
    object_type: str
    rows: list[dict[str, Any]]
    cursor: str | None
    total: int | None = None
    limited: int | None = None


def _int_or_none(body: Mapping[str, Any], key: str, *, minimum: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise Invalid({key: f"Expected a whole number of at least {minimum}."})
    return value


def search(
    ctx: Context,
    body: Mapping[str, Any],
    limits: SearchLimits = SearchLimits(),
    *,
    whole_rows: Collection[str] | None = None,
) -> SearchPage:
    """One page of a `POST /data/search/` body: the rows (whole rows of the object's table), in order.

    One statement for the page, and one for the counts when `include_counts` asks. `whole_rows`:
    the object types whose rows are wanted whole (None: every type); a page of another holds
    each row's `id` alone, all an answer without `_fields` shows (reading and converting whole
    rows was half of such a request's time).
    """
    if "query" not in body:
        raise Invalid({"query": "This field is required."})
    tree = n.parse(body["query"])
    object_type = object_type_of(tree)
    on = searchable(object_type)
    sorts = parse_sort(body.get("sort"))
    limit = _int_or_none(body, "_limit", minimum=0)
    limit = DEFAULT_LIMIT if limit is None else min(limit, MAX_LIMIT)
    results_limit = _int_or_none(body, "results_limit", minimum=0)
    include_counts = body.get("include_counts", False)
    if not isinstance(include_counts, bool):
        raise Invalid({"include_counts": "Expected true or false."})
    owner = cursors.digest(ctx.organization_id, object_type, body["query"], body.get("sort"))
    keys = sort_keys(ctx, on, sorts)
    start = cursors.decode(body.get("cursor", body.get("_cursor")), owner, len(keys), limits.cursor_seconds)
    served = start.served if start is not None else 0

    order = [term for k in keys for term in k.terms()]
    with first_rows(ctx, reading_first=in_index_order(on, keys[0]), order=order):
        condition = compile_query(ctx, object_type, tree)
    table = on.table
    reachable = results_limit
    if limits.max_results is not None:
        reachable = limits.max_results if reachable is None else min(reachable, limits.max_results)
    page_size = limit if reachable is None else max(0, min(limit, reachable - served))
    rows: list[dict[str, Any]] = []
    more = False
    last: tuple[Any, ...] = ()
    if page_size > 0:
        # The sort values ride along as extra columns, for the next cursor.
        labels = [f"_sort_key_{i}" for i in range(len(keys))]
        shown = [table] if whole_rows is None or object_type in whole_rows else [table.c.id]
        stmt = select(*shown, *(k.expression.label(label) for k, label in zip(keys, labels, strict=True)))
        stmt = stmt.where(condition)
        if start is not None:
            stmt = stmt.where(cursors.after(keys, start.values))
        stmt = stmt.order_by(*order).limit(page_size + 1)
        rows = rows_of(ctx.conn.execute(stmt))
        more = len(rows) > page_size
        rows = rows[:page_size]
        for row in rows:
            last = tuple(row.pop(label) for label in labels)
    next_served = served + len(rows)
    if reachable is not None and next_served >= reachable:
        more = False
    cursor = cursors.encode(cursors.Position(last, next_served), owner) if more else None
    page = SearchPage(object_type, rows, cursor)
    if include_counts:
        total = _count(ctx, object_type, tree)
        page.total = total
        page.limited = total if results_limit is None else min(total, results_limit)
    return page


def _matches_every(node: n.Node, object_type: str) -> bool:
    """Whether `node` matches every object of `object_type` (its type alone, `match_all`)."""
    if node.negate:
        return False
    if isinstance(node, n.MatchAll):
        return True
    if isinstance(node, n.ObjectType):
        return node.object_type == object_type
    return isinstance(node, n.And) and all(_matches_every(q, object_type) for q in node.queries)


def search_ids(
    ctx: Context,
    object_type: str,
    query: Mapping[str, Any] | n.Node,
    *,
    sort: Any = None,
    limit: int | None = None,
) -> list[str]:
    """The ids of what `query` matches, in the search order (bulk actions, exports): one statement."""
    on = searchable(object_type)
    table = on.table
    stmt = select(table.c.id).where(compile_query(ctx, object_type, query))
    stmt = stmt.order_by(*order_by(ctx, on, parse_sort(sort)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [row[0] for row in ctx.conn.execute(stmt)]
