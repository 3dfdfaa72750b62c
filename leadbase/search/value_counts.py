"""PostgreSQL: the count of a search on one custom field, read from `custom_value` alone.

A count of `custom.Industry:Fintech` over the leads' own table reads every matching lead: the
field's index holds an expression over the `custom` JSON column, and PostgreSQL answers from an
index alone only when the index holds every column the query reads (86,300 leads of a million,
20,000 heap pages: 40 ms with them in PostgreSQL's buffers, 110 with them in the operating
system's cache). `custom_value` (migration d3f9a2c7e5b1) holds each string and number value of
a lead, contact or opportunity as a row, kept by triggers; its b-trees count the same condition
without visiting a lead.

The condition is the one search compiles, unchanged but for the value it compares: the
expressions `custom_fields.sql.text_value` and `number_value` of the field become the row's
`text_value` and `number_value`, which the triggers fill with the same expressions. Anything
else left in it (a list's containment, a key's presence, another column) means the side table
cannot answer, and the caller counts rows as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, ColumnElement, func, select, true
from sqlalchemy.sql import column, operators, table
from sqlalchemy.sql.elements import BinaryExpression, ColumnClause
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import iterate, replacement_traverse

from leadbase.custom_fields import sql
from leadbase.custom_fields.definitions import FieldDefinition
from leadbase.custom_fields.values import custom_values
from leadbase.db.context import Context
from leadbase.search import nodes as n
from leadbase.search.compiler import Compiler
from leadbase.search.targets import Target

# Not in the metadata: PostgreSQL only (SQLite counts from its expression indexes alone).
CUSTOM_VALUE = table(
    "custom_value",
    column("organization_id"),
    column("object_table"),
    column("object_id"),
    column("field_id"),
    column("text_value"),
    column("number_value"),
)
# The tables the triggers keep: the migration's TABLES. A string has a row when its field's
# index could hold it (`sql.indexable`: the migration's LONGEST_TEXT).
TABLES = ("lead", "contact", "opportunity")
# Field types whose stored strings are short by construction (dates, ids): any comparison of
# them is answered by the rows. A free text (or a choice) is answered only by an equality
# with a string short enough to have a row.
_SHORT_VALUED = frozenset({"date", "datetime", "user", "contact", "custom_object"})
_EQUALITIES = (operators.eq, operators.in_op)
_OPTIONS: dict[str, Any] = {}


def lone_custom_conditions(tree: n.Node, object_type: str) -> tuple[n.FieldCondition, ...] | None:
    """The query's conditions when all of them are on one custom field, none negated (a
    `field_condition` alone; `custom.Revenue >= 1000000 custom.Revenue < 1100000`), beside the
    object type; None for any other query."""
    found: list[n.FieldCondition] = []

    def collect(node: n.Node) -> bool:
        if node.negate:
            return False
        if isinstance(node, n.And):
            return all(collect(q) for q in node.queries)
        if isinstance(node, n.ObjectType):
            return node.object_type == object_type
        if isinstance(node, n.MatchAll):
            return True
        if isinstance(node, n.FieldCondition) and isinstance(node.field, n.CustomField):
            found.append(node)
            return True
        return False

    if not collect(tree) or not found:
        return None
    fields = {c.field.custom_field_id for c in found if isinstance(c.field, n.CustomField)}
    return tuple(found) if len(fields) == 1 else None


def count_from_values(ctx: Context, on: Target, tree: n.Node) -> int | None:
    """How many of the organization's objects of `on` the query matches, from `custom_value`;
    None when it cannot say (another database, another kind of query or object, a field of
    several values, a condition the rows do not hold)."""
    if ctx.conn.dialect.name != sql.POSTGRESQL or on.parent is not None or on.type_value is not None:
        return None
    kind = on.spec.custom_field_kind
    if on.table.name not in TABLES or kind is None:
        return None
    conditions = lone_custom_conditions(tree, on.name)
    if conditions is None:
        return None
    reference = conditions[0].field
    assert isinstance(reference, n.CustomField)
    definition = custom_values(ctx, kind).lookup(reference.custom_field_id)
    if definition is None or definition.accepts_multiple_values:
        # Unknown: the compiler's 400. A list: its elements have no rows.
        return None
    condition = Compiler(ctx).compile(n.And(conditions), on)
    on_rows = _on_rows(condition, on, definition)
    if on_rows is None:
        return None
    v = CUSTOM_VALUE
    counting = (
        select(func.count())
        .select_from(v)
        .where(
            v.c.organization_id == ctx.organization_id,
            v.c.object_table == on.table.name,
            v.c.field_id == definition.id,
            on_rows,
        )
    )
    return int(ctx.conn.execute(counting).scalar_one())


def _on_rows(
    condition: ColumnElement[bool], on: Target, definition: FieldDefinition
) -> ColumnElement[bool] | None:
    """`condition` on the rows of `custom_value` instead of the objects' JSON, or None when
    the rows cannot answer it (or their index would not: a value compared case aside is found
    through the field's own index of lowered values, which lists its few matches)."""
    custom = on.table.c.custom
    replacements = (
        (sql.text_value(custom, definition.id, sql.POSTGRESQL), CUSTOM_VALUE.c.text_value),
        (sql.number_value(custom, definition.id, sql.POSTGRESQL), CUSTOM_VALUE.c.number_value),
    )

    def replace(element: Any, **_: Any) -> Any:
        for expression, row_column in replacements:
            if isinstance(element, type(expression)) and element.compare(expression):
                return row_column
        return None

    rewritten: ColumnElement[bool] = replacement_traverse(condition, _OPTIONS, replace)
    answered = [e for e in iterate(rewritten) if isinstance(e, BinaryExpression) and _answered(e, definition)]

    # Once the comparisons the rows answer are set aside, nothing may read a string value or
    # an object's own column; number values all have rows.
    def set_aside(element: Any, **_: Any) -> Any:
        return true() if any(element is a for a in answered) else None

    rest: ColumnElement[bool] = replacement_traverse(rewritten, _OPTIONS, set_aside)
    for element in iterate(rest):
        read = isinstance(element, ColumnClause) and not element.is_literal
        if read and element is not CUSTOM_VALUE.c.number_value:
            return None
    return rewritten


def _answered(comparison: BinaryExpression[Any], definition: FieldDefinition) -> bool:
    """Whether the rows answer a comparison of `text_value` as the objects' values would:
    strings too long for an index (`sql.indexable`) have no row, so any comparison of a short-valued type,
    an equality with short strings, or the index's own length predicate."""
    left = comparison.left
    if isinstance(left, FunctionElement) and left.name == "octet_length":
        return any(c is CUSTOM_VALUE.c.text_value for c in left.clauses)
    if left is not CUSTOM_VALUE.c.text_value:
        return False
    if definition.type in _SHORT_VALUED:
        return True
    if comparison.operator not in _EQUALITIES or not isinstance(comparison.right, BindParameter):
        return False
    value = comparison.right.value
    values = value if isinstance(value, (list, tuple)) else [value]
    return all(isinstance(v, str) and sql.indexable(v) for v in values)
