"""The legacy `query` parameter of GET /lead/: the parsed tree (leadbase.search) compiled to SQL.

Close deprecated it for Advanced Filtering in 2022, but the Singer tap and Close's own
scripts still page leads with `date_updated>="..." sort:date_updated`. This answers date
comparisons on date_created/date_updated, `name:`, `status:`, `*`, `sort:`, combined with
and/or/not; any other term is a clear 400 rather than a silently wrong answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, true

from leadbase.core.dates import parse_datetime
from leadbase.core.errors import BadRequest
from leadbase.db.context import Context
from leadbase.db.models import lead
from leadbase.db.query import Ordering
from leadbase.resources.status.service import ordered_statuses
from leadbase.search.lead_query import Group, Node, Not, Term, parse

_SORTS = {
    "created": "date_created",
    "date_created": "date_created",
    "updated": "date_updated",
    "date_updated": "date_updated",
    "name": "name",
}
_DATE_FIELDS = ("date_created", "date_updated", "created", "updated")


@dataclass
class LeadQuery:
    conditions: list[ColumnElement[bool]] = field(default_factory=list)
    order_by: list[Ordering] = field(default_factory=list)

    def apply(self, stmt: Select[object]) -> Select[object]:
        return stmt.where(*self.conditions) if self.conditions else stmt


def parse_lead_query(ctx: Context, text: str) -> LeadQuery:
    tree = parse(text)
    result = LeadQuery()
    for sort in tree.sorts:
        column = _SORTS.get(sort.field)
        if column is None:
            raise BadRequest(f"Unsupported sort {sort.field!r}: use created, updated or name.")
        result.order_by.append(Ordering(column, sort.descending))
    condition = _Compiler(ctx).compile(tree.where)
    if condition is not None:
        result.conditions.append(condition)
    return result


class _Compiler:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def compile(self, node: Node) -> ColumnElement[bool] | None:
        """SQL for the tree; None when it matches every lead (`*` or nothing)."""
        if isinstance(node, Group) and not node.items:
            return None
        return self._node(node)

    def _node(self, node: Node) -> ColumnElement[bool]:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Not):
            return not_(self._node(node.item))
        if not node.items:
            return true()
        parts = [self._node(item) for item in node.items]
        return and_(*parts) if node.kind == "and" else or_(*parts)

    def _term(self, term: Term) -> ColumnElement[bool]:
        name, op, value = term.field, term.op, term.value
        if not name:
            raise BadRequest(
                f"leadbase cannot answer the query term {value!r} yet; use POST /data/search/ "
                "or the date_created/date_updated/name/status terms."
            )
        if name in _DATE_FIELDS:
            column = lead.c["date_" + name.removeprefix("date_")]
            try:
                moment = parse_datetime(value, self.ctx.tz_offset)
            except ValueError as exc:
                raise BadRequest(f"Not a valid date in the query: {value!r}.") from exc
            comparisons = {
                ">=": column >= moment,
                "<=": column <= moment,
                ">": column > moment,
                "<": column < moment,
                "=": column == moment,
                ":": column == moment,
            }
            return comparisons[op]
        if name in ("name", "lead_name", "company") and op in (":", "="):
            return lead.c.name.ilike(value.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\")
        if name in ("status", "lead_status") and op in (":", "="):
            # Labels resolve to ids in Python (one read per request): the SQL is one comparison,
            # however many status terms the query has.
            wanted = value.lower()
            ids = [s["id"] for s in ordered_statuses(self.ctx) if s["label"].lower() == wanted]
            return lead.c.status_id == ids[0] if ids else false()
        raise BadRequest(f"leadbase cannot answer the query term {name}{op}{value!r} yet.")
