"""SQLite: the count of a lead search of statuses and a creation range alone, from the leads
kept per status and day (db/day_counts.py), as a list filtered the same way counts them.

`GET /lead/?query=status:Qualified created > 2024-01-01`, or Advanced Filtering's
`include_counts` with a `status_id` term and a `date_created` moment range, would otherwise count
the range's leads one by one (18,000 index entries for a quarter of one status at a million
leads). The conditions are turned into the list filter's own terms: the statuses an `in`, the
range's instants `gte` and `lt`, the very bounds the search's condition compares the column with
(the compiler's `_condition`). Anything else in the query (a negation, an `or`, another field, a
status by label) leaves the count to the search.
"""

from __future__ import annotations

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.day_counts import kept_day_count
from leadbase.db.filters import And, Filter, Term
from leadbase.db.models import lead
from leadbase.search import nodes as n
from leadbase.search.moments import range_instants
from leadbase.search.targets import Target, target


def count_leads_by_status_and_day(ctx: Context, tree: n.Node) -> int | None:
    """The number of leads `tree` matches, when it is a lead search of `status_id` terms and
    `date_created` ranges alone and the kept day counts answer it; None otherwise."""
    on = target("lead")
    if ctx.conn.dialect.name != "sqlite" or on is None:
        return None
    nodes = list(tree.queries) if isinstance(tree, n.And) and not tree.negate else [tree]
    terms: list[Filter] = []
    for node in nodes:
        if isinstance(node, n.ObjectType) and node.object_type == "lead" and not node.negate:
            continue
        found = _terms_of(ctx, on, node)
        if found is None:
            return None
        terms.extend(found)
    if not terms:
        return None
    return kept_day_count(ctx, on.spec, And(tuple(terms)))


def _terms_of(ctx: Context, on: Target, node: n.Node) -> list[Term] | None:
    """The list filter's terms that select what `node` does: a status term or a creation range."""
    if not isinstance(node, n.FieldCondition) or node.negate:
        return None
    field = node.field
    if not isinstance(field, n.RegularField) or field.object_type != "lead":
        return None
    value = on.value(ctx, lead, field.field_name)
    if value is None or value.lookup is not None:
        return None
    condition = node.condition
    if value.expression is lead.c.status_id:
        if isinstance(condition, n.TermCondition) and value.kind in ("text", "id"):
            return [Term("status_id", "in", [str(v) for v in condition.values])]
        if isinstance(condition, n.ReferenceCondition):
            return [Term("status_id", "in", list(condition.object_ids))]
        return None
    if value.expression is lead.c.date_created and isinstance(condition, n.MomentRange):
        # Resolved as the compiler resolves them; a malformed moment is the compiler's to refuse.
        try:
            start, end = range_instants(condition, clock.now(), ctx.tz_offset, f"{node.path}.condition")
        except Invalid:
            return None
        terms = [Term("date_created", "gte", start)] if start is not None else []
        terms += [Term("date_created", "lt", end)] if end is not None else []
        return terms
    return None
