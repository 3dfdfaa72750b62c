"""The legacy `query` parameter of GET /lead/: the parsed tree (leadbase.search) as a filter tree.

Close deprecated it for Advanced Filtering in 2022, but the Singer tap and Close's own
scripts still page leads with `date_updated>="..." sort:date_updated`. This answers date
comparisons on date_created/date_updated, `name:`, `status:`, `*`, `sort:`, combined with
and/or/not; any other term is a clear 400 rather than a silently wrong answer.

Parsing is leadbase.search's (text -> a tree of terms); this module only turns terms into
nodes of the one filter tree (db/filters.py), which the repository compiles like any list
filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leadbase.core.dates import parse_datetime
from leadbase.core.errors import BadRequest
from leadbase.db.context import Context
from leadbase.db.filters import And, Filter, Not, Operator, Or, Term
from leadbase.db.orgcache import lead_statuses as ordered_statuses
from leadbase.db.query import Ordering
from leadbase.search import lead_query as parsed

_SORTS = {
    "created": "date_created",
    "date_created": "date_created",
    "updated": "date_updated",
    "date_updated": "date_updated",
    "name": "name",
}
_DATE_FIELDS = ("date_created", "date_updated", "created", "updated")
_COMPARISONS: dict[str, Operator] = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt", "=": "eq", ":": "eq"}


@dataclass
class LeadQuery:
    # None when the query matches every lead (`*` or nothing).
    where: Filter | None = None
    order_by: list[Ordering] = field(default_factory=list)


def parse_lead_query(ctx: Context, text: str) -> LeadQuery:
    tree = parsed.parse(text)
    result = LeadQuery()
    for sort in tree.sorts:
        column = _SORTS.get(sort.field)
        if column is None:
            raise BadRequest(f"Unsupported sort {sort.field!r}: use created, updated or name.")
        result.order_by.append(Ordering(column, sort.descending))
    if not (isinstance(tree.where, parsed.Group) and not tree.where.items):
        result.where = _Terms(ctx).node(tree.where)
    return result


class _Terms:
    """Parsed nodes -> filter tree nodes."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def node(self, node: parsed.Node) -> Filter:
        if isinstance(node, parsed.Term):
            return self.term(node)
        if isinstance(node, parsed.Not):
            return Not(self.node(node.item))
        if isinstance(node, parsed.Related):
            raise BadRequest(f"leadbase cannot answer the sub-query {node.name}(...) yet.")
        items = tuple(self.node(item) for item in node.items)
        return And(items) if node.kind == "and" else Or(items)

    def term(self, term: parsed.Term) -> Filter:
        name, op, value = term.field, term.op, term.value
        if not name:
            raise BadRequest(
                f"leadbase cannot answer the query term {value!r} yet; use POST /data/search/ "
                "or the date_created/date_updated/name/status terms."
            )
        if name in _DATE_FIELDS:
            try:
                moment = parse_datetime(value, self.ctx.tz_offset)
            except ValueError as exc:
                raise BadRequest(f"Not a valid date in the query: {value!r}.") from exc
            return Term("date_" + name.removeprefix("date_"), _COMPARISONS[op], moment)
        if name in ("name", "lead_name", "company") and op in (":", "="):
            return Term("name", "istartswith", value)
        if name in ("status", "lead_status") and op in (":", "="):
            # Labels resolve to ids in Python (one read per request): the SQL is one comparison,
            # however many status terms the query has.
            wanted = value.lower()
            ids = [s["id"] for s in ordered_statuses(self.ctx) if s["label"].lower() == wanted]
            return Term("status_id", "eq", ids[0]) if ids else Or(())
        raise BadRequest(f"leadbase cannot answer the query term {name}{op}{value!r} yet.")
