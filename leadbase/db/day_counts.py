"""A lead list's total from the counts kept per status and day (`lead_day_count`, SQLite).

A list filtered by status and a range of `date_created` (the most common smart view, and
`GET /lead/?status_id=...&date_created__gte=...`) answers `total_results`. Counted over the
(organization_id, status_id, date_created) index, that total walks an entry per matching lead:
at a million leads, a quarter of one status is tens of thousands of them, longer on SQLite than
reading and rendering the page beside it. Here the days strictly inside the range are summed from
their kept rows (a row per status and day), and only the range's first and last day are counted
lead by lead, each over its own stretch of that index.

Exact, not an estimate. SQLite keeps `date_created` as UTC text (`YYYY-MM-DD HH:MM:SS.ffffff`)
and the triggers key a lead by its first ten characters, so a lead lies on a day strictly
between the range's first and last day exactly when its text lies between their bounds (text
comparison is what the list's own filter does too). The first and last day are counted with the
list's own bounds.

SQLite alone: PostgreSQL keeps no such rows (see the migration that adds them) and counts its
index. Any other filter, or a range of two days or less, is counted the usual way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, cast

from sqlalchemy import BindParameter, ColumnElement, Select, String, bindparam, func, select, type_coerce

from leadbase.db.context import Context
from leadbase.db.filters import And, Filter, Operator, Term, compare
from leadbase.db.models import lead, lead_day_count
from leadbase.db.prepared import Prepared, one_of
from leadbase.db.resource import ResourceSpec

_LOWER = ("gt", "gte")
_UPPER = ("lt", "lte")


@dataclass
class _Shape:
    """What a filter asks of the leads it counts: statuses (None: any) and date_created bounds."""

    statuses: set[str] | None = None
    lower: Term | None = None
    upper: Term | None = None


def kept_day_count(ctx: Context, spec: ResourceSpec, where: Filter | None) -> int | None:
    """The number of the organization's leads `where` selects, from the kept day counts; None
    when this is not a list of leads on SQLite filtered by status and date_created alone."""
    if spec.table is not lead or ctx.conn.dialect.name != "sqlite" or where is None:
        return None
    shape = _shape(where)
    if shape is None or (shape.lower is None and shape.upper is None and shape.statuses is None):
        return None
    if shape.statuses is not None and not shape.statuses:
        return 0  # no status can match: an empty list, or two different ones at once
    first = _day(shape.lower.value) if shape.lower is not None else None
    last = _day(shape.upper.value) if shape.upper is not None else None
    if first is not None and last is not None and last - first <= timedelta(days=1):
        return None  # no whole day between them: the leads of the range are few to count
    return _count(ctx, shape, first, last)


def _shape(where: Filter) -> _Shape | None:
    shape = _Shape()
    terms: list[Filter] = list(where.terms) if isinstance(where, And) else [where]
    while terms:
        term = terms.pop()
        if isinstance(term, And):
            terms.extend(term.terms)
            continue
        if not isinstance(term, Term):
            return None
        if term.path == "status_id" and term.operator in ("eq", "in"):
            values = [term.value] if term.operator == "eq" else list(term.value)
            if not all(isinstance(v, str) for v in values):
                return None
            shape.statuses = set(values) if shape.statuses is None else shape.statuses & set(values)
        elif term.path == "date_created" and isinstance(term.value, datetime) and term.operator in _LOWER:
            if shape.lower is not None:
                return None
            shape.lower = term
        elif term.path == "date_created" and isinstance(term.value, datetime) and term.operator in _UPPER:
            if shape.upper is not None:
                return None
            shape.upper = term
        else:
            return None
    return shape


def _day(moment: datetime) -> date:
    """The UTC day of a bound, as the column stores it (a naive bound is UTC)."""
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


def _count(ctx: Context, shape: _Shape, first: date | None, last: date | None) -> int:
    """The kept rows of the days strictly inside the range, plus the leads of its first and last
    day counted with the list's own bounds: one prepared statement per shape of filter."""
    lower, upper = shape.lower, shape.upper
    key = (shape.statuses is not None, lower.operator if lower else None, upper.operator if upper else None)
    prepared = _STATEMENTS.get(key)
    if prepared is None:
        prepared = _STATEMENTS[key] = Prepared(partial(_statement, *key))
    params: dict[str, Any] = {"organization_id": ctx.organization_id}
    if shape.statuses is not None:
        params["statuses"] = sorted(shape.statuses)
    if lower is not None and first is not None:
        params.update(lower=lower.value, first_day=first.isoformat())
        params["after_first"] = (first + timedelta(days=1)).isoformat()
    if upper is not None and last is not None:
        params.update(upper=upper.value, last_day=last.isoformat())
    return int(prepared.rows(ctx.conn, params)[0]["n"])


# The statements by shape (statuses or not, the lower and upper bounds' operators), each built
# once: building a select costs more than SQLite's answer.
_STATEMENTS: dict[tuple[bool, str | None, str | None], Prepared] = {}


def _statement(by_status: bool, lower: str | None, upper: str | None, dialect: str) -> Select[Any]:
    org: BindParameter[str] = bindparam("organization_id")
    # Compared as text: a bare day sorts before every moment of that day and after every
    # moment of the day before, whatever follows the date in the stored text.
    created_text = type_coerce(lead.c.date_created, String)

    def leads_where(*bounds: ColumnElement[bool]) -> Any:
        conditions = [lead.c.organization_id == org, *bounds]
        if by_status:
            conditions.append(one_of(lead.c.status_id, "statuses", dialect))
        return select(func.count()).select_from(lead).where(*conditions).scalar_subquery()

    kept = [lead_day_count.c.organization_id == org]
    if by_status:
        kept.append(one_of(lead_day_count.c.status_id, "statuses", dialect))
    parts = []
    if lower is not None:
        kept.append(lead_day_count.c.day > bindparam("first_day", type_=String))
        low = compare(lead.c.date_created, cast(Operator, lower), bindparam("lower"))
        parts.append(leads_where(low, created_text < bindparam("after_first", type_=String)))
    if upper is not None:
        kept.append(lead_day_count.c.day < bindparam("last_day", type_=String))
        high = compare(lead.c.date_created, cast(Operator, upper), bindparam("upper"))
        parts.append(leads_where(created_text >= bindparam("last_day", type_=String), high))
    parts.append(select(func.coalesce(func.sum(lead_day_count.c.n), 0)).where(*kept).scalar_subquery())
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return select(total.label("n"))
