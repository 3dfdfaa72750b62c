"""Bounds on one custom field, written as separate conditions of an `and`, joined into one range.

The lead query string writes a range as two comparisons (`custom.Revenue >= 1000000
custom.Revenue < 1100000`), each a `field_condition` of its own; Advanced Filtering writes it as
one `number_range` with both bounds. The answer is the same, but a page's plan is chosen per
condition (compiler.py `_page_plan`), from how many rows meet it: each bound alone is met by
most leads (a tenth and nine tenths of them), the range by one in a hundred. Joined, the range
is planned as what it is.
"""

from __future__ import annotations

from dataclasses import fields, replace

from leadbase.search import nodes as n

Range = n.NumberRange | n.MomentRange


def joined_ranges(queries: tuple[n.Node, ...]) -> tuple[n.Node, ...]:
    """The conditions of an `and`, where range conditions on the same custom field (numbers or
    moments, none negated) that set different bounds are one condition setting them all, in the
    place of the first. Two conditions setting the same bound (`gte` twice) stay apart."""
    joined: list[n.Node] = []
    first_of: dict[tuple[str, type], int] = {}
    for query in queries:
        ranged = _ranged(query)
        if ranged is not None:
            key = (ranged[0], type(ranged[1]))
            if key not in first_of:
                first_of[key] = len(joined)
            else:
                earlier = joined[first_of[key]]
                assert isinstance(earlier, n.FieldCondition)
                both = _both(earlier.condition, ranged[1])
                if both is not None:
                    joined[first_of[key]] = replace(earlier, condition=both)
                    continue
        joined.append(query)
    return tuple(joined)


def _ranged(query: n.Node) -> tuple[str, Range] | None:
    """(custom field id, range) of a range condition on a custom field, not negated."""
    if not isinstance(query, n.FieldCondition) or query.negate or not isinstance(query.field, n.CustomField):
        return None
    if not isinstance(query.condition, (n.NumberRange, n.MomentRange)):
        return None
    return query.field.custom_field_id, query.condition


def _both(first: n.Condition, second: Range) -> Range | None:
    """One range with the bounds of both, or None when both set the same bound. A range with no
    bound (the value exists) adds nothing to one with bounds, which a value must exist to meet."""
    if type(first) is not type(second):
        return None
    names = [f.name for f in fields(second)]
    if any(getattr(first, name) is not None and getattr(second, name) is not None for name in names):
        return None
    added = {name: getattr(second, name) for name in names if getattr(second, name) is not None}
    return replace(first, **added)
