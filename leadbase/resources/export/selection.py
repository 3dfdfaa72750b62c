"""What an export holds: one statement selecting the ids, in the order the file lists them.

Lead exports run their search (`s_query`, `sort`, `results_limit`) through the Advanced
Filtering engine, the same compiler as POST /data/search/; opportunity exports run the
`/opportunity/` list's own filters (`params`), with the list's service adding what it reads
itself (`query`, `lead_query`, smart views). Either way the answer is a SELECT of ids the job
streams, never a list held in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from leadbase.api.params import parse_filters, parse_order
from leadbase.db.context import Context
from leadbase.db.filters import all_of, compile_filter
from leadbase.db.query import ListQuery
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import resources
from leadbase.search import compile_query
from leadbase.search.engine import order_by, parse_sort, searchable

EVERY_LEAD: dict[str, Any] = {"type": "and", "queries": [{"type": "object_type", "object_type": "lead"}]}


def lead_ids(ctx: Context, row: Row) -> Select[Any]:
    on = searchable("lead")
    query = row["s_query"] if row["s_query"] is not None else EVERY_LEAD
    select_ids = select(on.table.c.id).where(compile_query(ctx, "lead", query))
    select_ids = select_ids.order_by(*order_by(ctx, on, parse_sort(row["sort"] or None)))
    if row["results_limit"] is not None:
        select_ids = select_ids.limit(row["results_limit"])
    return select_ids


def opportunity_ids(ctx: Context, params: Mapping[str, str]) -> Select[Any]:
    spec = resources.get("opportunity")
    service = spec.service(ctx, spec)
    query = ListQuery(
        where=parse_filters(spec.filters, params, ctx.tz_offset), order_by=parse_order(spec, params)
    )
    extra = service.list_filter(query, params)
    where = all_of([t for t in (query.where, extra) if t is not None])
    base = service.scope()
    stmt = base if base is not None else Repository(ctx).scoped(spec)
    if where is not None:
        stmt = stmt.where(compile_filter(ctx, spec, where))
    table = spec.table
    terms: list[Any] = []
    for ordering in query.order_by:
        if ordering.build is not None:
            terms.extend(ordering.build(ctx, spec))
            continue
        column = table.c[spec.orderings.get(ordering.name, ordering.name)]
        terms.append(column.desc() if ordering.descending else column.asc())
    terms.append(table.c.id.asc())
    return stmt.with_only_columns(table.c.id).order_by(*terms)


def selection(ctx: Context, row: Row) -> Select[Any]:
    """The ids of the lead (lead exports) or opportunity (opportunity exports) rows, in order."""
    if row["kind"] == "lead":
        return lead_ids(ctx, row)
    return opportunity_ids(ctx, row["params"] or {})
