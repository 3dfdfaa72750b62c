"""One filter tree for every way of selecting objects, compiled to SQL from the declarations.

A filter is a value: `Term(path, operator, value)` combined with `And`, `Or` and `Not`.
List parameters (`date_created__gt=...`), the lead `query` string, and later Advanced
Filtering, smart views, bulk actions, exports and webhook filters all build the same tree;
`compile_filter` is the one place that turns it into a WHERE clause.

A path is a field name (`name`, `date_updated`), a relation then a path on the related
resource (`lead.name` from a contact, `contact.name` from a lead, `status.label` from a
lead), or an extension prefix: `custom.<field id or name>` is answered by custom_fields,
which registers itself here (db does not import the layers above it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true

from leadbase.core.errors import Invalid

if TYPE_CHECKING:
    from leadbase.db.context import Context
    from leadbase.db.resource import ResourceSpec

Operator = Literal["eq", "in", "gt", "gte", "lt", "lte", "ieq", "istartswith", "exists"]


@dataclass(frozen=True)
class Term:
    """`path operator value`: the objects whose value at `path` satisfies the comparison."""

    path: str
    operator: Operator
    value: Any


@dataclass(frozen=True)
class And:
    terms: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    term: Filter


Filter = Term | And | Or | Not

# A path prefix answered outside db: (ctx, spec, rest of the path, operator, value) -> condition.
Extension = Callable[["Context", "ResourceSpec", str, Operator, Any], ColumnElement[bool]]
EXTENSIONS: dict[str, Extension] = {}


def register_extension(prefix: str, extension: Extension) -> None:
    EXTENSIONS[prefix] = extension


def all_of(terms: list[Filter]) -> Filter | None:
    """The conjunction of `terms` (None when there are none)."""
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else And(tuple(terms))


def compile_filter(ctx: Context, spec: ResourceSpec, node: Filter) -> ColumnElement[bool]:
    """The WHERE condition on `spec`'s table that selects the objects `node` describes."""
    if isinstance(node, And):
        return and_(true(), *(compile_filter(ctx, spec, t) for t in node.terms))
    if isinstance(node, Or):
        return or_(false(), *(compile_filter(ctx, spec, t) for t in node.terms))
    if isinstance(node, Not):
        return not_(compile_filter(ctx, spec, node.term))
    return _term(ctx, spec, node)


def _term(ctx: Context, spec: ResourceSpec, term: Term) -> ColumnElement[bool]:
    head, _, rest = term.path.partition(".")
    if rest:
        extension = EXTENSIONS.get(head)
        if extension is not None:
            return extension(ctx, spec, rest, term.operator, term.value)
        return _related(ctx, spec, head, Term(rest, term.operator, term.value))
    column = _column(spec, head)
    if column is None:
        raise Invalid({term.path: f"Unknown field {term.path!r}."})
    return compare(column, term.operator, term.value)


def _column(spec: ResourceSpec, name: str) -> ColumnElement[Any] | None:
    if spec.fields is not None and name in spec.fields.by_name:
        f = spec.fields.by_name[name]
        if f.computed or f.write_only:
            return None
        name = f.source
    if name in spec.filters and spec.filters[name].column:
        name = spec.filters[name].column or name
    return spec.table.c.get(name)


def _related(ctx: Context, spec: ResourceSpec, name: str, term: Term) -> ColumnElement[bool]:
    """A term on a related resource: a parent (`lead.name`) or children (`contact.name`)."""
    for parent in spec.parents:
        if parent.name == name:
            other = parent.spec
            inner = select(other.table.c.id).where(
                other.table.c.organization_id == ctx.organization_id, _term(ctx, other, term)
            )
            return spec.table.c[parent.column].in_(inner)
    for child, relation in spec.children():
        if child.name == name:
            table = child.table
            return exists(
                select(table.c.id).where(
                    table.c.organization_id == ctx.organization_id,
                    table.c[relation.column] == spec.table.c.id,
                    _term(ctx, child, term),
                )
            )
    raise Invalid({f"{name}.{term.path}": f"{spec.model_name} has no relation {name!r}."})


def compare(column: ColumnElement[Any], operator: Operator, value: Any) -> ColumnElement[bool]:
    """One comparison on one column."""
    if operator == "eq":
        return column.is_(None) if value is None else column == value
    if operator == "in":
        return column.in_(list(value))
    if operator == "exists":
        return column.is_not(None) if value else column.is_(None)
    if operator == "ieq":
        return func.lower(column) == str(value).lower()
    if operator == "istartswith":
        escaped = str(value).replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        return column.ilike(escaped + "%", escape="\\")
    comparisons: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "gt": column.__gt__,
        "gte": column.__ge__,
        "lt": column.__lt__,
        "lte": column.__le__,
    }
    return comparisons[operator](value)
