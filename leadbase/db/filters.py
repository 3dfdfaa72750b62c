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

from sqlalchemy import ColumnElement, String, and_, bindparam, exists, false, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression

from leadbase.core.errors import Invalid
from leadbase.db.prepared import one_of

if TYPE_CHECKING:
    from leadbase.db.context import Context
    from leadbase.db.resource import ResourceSpec

Operator = Literal["eq", "in", "gt", "gte", "lt", "lte", "ieq", "istartswith", "exists", "text"]
# How a `text` term matches (Close's text modes): its value is (mode, text).
TEXT_MODES = ("full_words", "phrase", "beginning_of_words", "exact_value")


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


@dataclass(frozen=True)
class Clause:
    """A condition another layer builds for the resource being filtered (an Advanced Filtering
    query, a smart view): `build(ctx, spec)` returns the WHERE condition. `key` tells clauses
    apart (two clauses with equal keys select the same objects). `count(ctx, spec)`, when given,
    is the number of the organization's objects the clause selects, read some cheaper way than
    counting the rows that meet the condition, or None when it has no such way for this query."""

    key: Any
    build: Callable[[Context, ResourceSpec], ColumnElement[bool]]
    count: Callable[[Context, ResourceSpec], int | None] | None = None


Filter = Term | And | Or | Not | Clause

# A path prefix answered outside db: (ctx, spec, rest of the path, operator, value) -> condition.
Extension = Callable[["Context", "ResourceSpec", str, Operator, Any], ColumnElement[bool]]
EXTENSIONS: dict[str, Extension] = {}


# A path prefix whose sortable value is answered outside db: (ctx, spec, rest of the path) -> value.
ValueExtension = Callable[["Context", "ResourceSpec", str], ColumnElement[Any]]
VALUE_EXTENSIONS: dict[str, ValueExtension] = {}


def register_extension(prefix: str, extension: Extension, value: ValueExtension | None = None) -> None:
    EXTENSIONS[prefix] = extension
    if value is not None:
        VALUE_EXTENSIONS[prefix] = value


def value_of(ctx: Context, spec: ResourceSpec, path: str) -> ColumnElement[Any] | None:
    """The sortable value at an extension path (`custom.cf_x`), or None when no extension has it."""
    head, _, rest = path.partition(".")
    extension = VALUE_EXTENSIONS.get(head)
    return extension(ctx, spec, rest) if extension is not None and rest else None


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
    if isinstance(node, Clause):
        return node.build(ctx, spec)
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


# Comparisons whose SQL is the same whatever their value (but a null `eq` and the flag of
# `exists`, which the shape tells apart): a filter of only these is built once per shape.
_BOUND_OPERATORS = frozenset({"eq", "in", "gt", "gte", "lt", "lte", "exists"})


@dataclass(frozen=True)
class BoundFilter:
    """A filter tree of comparisons on the table's own columns joined by `And` (a list's
    parameters, `status_id=...&date_created__gte=...`), split into what its SQL depends on
    (`shape`: per term its column, operator and the variant that changes the SQL) and its
    values, bound as `filter_<n>`. `condition` is the WHERE `compile_filter` would give, with
    bound parameters: the same for every request of the shape, so it is built once."""

    shape: tuple[tuple[str, Operator, Any], ...]
    values: dict[str, Any]

    def condition(self, spec: ResourceSpec, dialect: str) -> ColumnElement[bool]:
        conditions = []
        for number, (name, operator, variant) in enumerate(self.shape):
            column = spec.table.c[name]
            param = f"filter_{number}"
            if operator == "in":
                conditions.append(one_of(column, param, dialect))
            elif operator == "exists":
                conditions.append(compare(column, operator, variant))
            elif variant == "null":
                conditions.append(compare(column, operator, None))
            else:
                conditions.append(compare(column, operator, bindparam(param, type_=column.type)))
        return and_(true(), *conditions)


def bound_filter(spec: ResourceSpec, node: Filter | None) -> BoundFilter | None:
    """`node` as a BoundFilter, or None when its SQL depends on more than its shape (a relation,
    a custom field, a text match, an `or`, a clause another layer builds)."""
    if node is None:
        terms: tuple[Filter, ...] = ()
    elif isinstance(node, Term):
        terms = (node,)
    elif isinstance(node, And):
        terms = node.terms
    else:
        return None
    shape = []
    values: dict[str, Any] = {}
    for number, term in enumerate(terms):
        if not isinstance(term, Term) or term.operator not in _BOUND_OPERATORS or "." in term.path:
            return None
        column = _column(spec, term.path)
        if column is None:
            return None
        variant: Any = None
        if term.operator == "exists":
            variant = bool(term.value)
        elif term.operator == "eq" and term.value is None:
            variant = "null"
        elif term.operator == "in":
            # One JSON parameter on SQLite: text values of a text column compare as they would
            # bound one by one; anything else keeps the general way.
            items = list(term.value)
            if not isinstance(column.type, String) or not all(isinstance(v, str) for v in items):
                return None
            values[f"filter_{number}"] = items
        else:
            values[f"filter_{number}"] = term.value
        shape.append((str(column.name), term.operator, variant))
    return BoundFilter(tuple(shape), values)


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
        return column.ilike(_escaped(str(value)) + "%", escape="\\")
    if operator == "text":
        mode, text = value
        return text_match(column, mode, text)
    comparisons: dict[str, Callable[[Any], ColumnElement[bool]]] = {
        "gt": column.__gt__,
        "gte": column.__ge__,
        "lt": column.__lt__,
        "lte": column.__le__,
    }
    return comparisons[operator](value)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")


def words(text: str) -> list[str]:
    """The words of a text search, lowercased (what the text modes compare)."""
    return [w for w in text.lower().split() if w]


@compiles(BinaryExpression, "sqlite")
def _sqlite_binary(element: BinaryExpression[Any], compiler: Any, **kw: Any) -> str:
    """ILIKE on SQLite as a plain LIKE, without SQLAlchemy's `lower(x) LIKE lower(y)`: SQLite's
    LIKE already ignores case, for ASCII letters only, exactly as its `lower()` folds them, so
    the answer is the same, and a search that reads rows in order no longer lowers each twice."""
    folded = {operators.ilike_op: operators.like_op, operators.not_ilike_op: operators.not_like_op}
    if element.operator in folded:
        plain: BinaryExpression[Any] = BinaryExpression(
            element.left, element.right, folded[element.operator], modifiers=element.modifiers
        )
        return str(compiler.visit_binary(plain, **kw))
    return str(compiler.visit_binary(element, **kw))


def text_match(column: ColumnElement[Any], mode: str, text: str) -> ColumnElement[bool]:
    """Close's text modes on one text column, case-insensitive.

    exact_value: the whole value; phrase: the words in order, adjacent; full_words: every word
    somewhere; beginning_of_words: every word starts a word of the value. Words are split on
    spaces; a text with no words matches everything but `exact_value` (which wants "").
    """
    if mode == "exact_value":
        return func.lower(column) == text.lower()
    if mode == "phrase":
        phrase = " ".join(words(text))
        return column.ilike("%" + _escaped(phrase) + "%", escape="\\") if phrase else column.is_not(None)
    terms = words(text)
    if not terms:
        return column.is_not(None)
    if mode == "beginning_of_words":
        return and_(
            *(
                or_(
                    column.ilike(_escaped(w) + "%", escape="\\"),
                    column.ilike("% " + _escaped(w) + "%", escape="\\"),
                )
                for w in terms
            )
        )
    return and_(*(column.ilike("%" + _escaped(w) + "%", escape="\\") for w in terms))
