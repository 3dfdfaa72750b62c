"""Sorts and windows as values, and the list parameters that build filter trees (db/filters.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from leadbase.db.context import Context
    from leadbase.db.filters import Filter
    from leadbase.db.resource import ResourceSpec

Operator = Literal["eq", "in", "gt", "gte", "lt", "lte"]
Kind = Literal["id", "text", "datetime", "bool", "int", "date"]

RANGE_OPERATORS: frozenset[Operator] = frozenset({"gt", "gte", "lt", "lte"})
EQUALITY_OPERATORS: frozenset[Operator] = frozenset({"eq", "in"})


@dataclass(frozen=True)
class FilterSpec:
    """A query parameter that filters a list: its name, what it compares, and how."""

    name: str
    kind: Kind
    operators: frozenset[Operator] = EQUALITY_OPERATORS
    # The column compared; the filter's name when None.
    column: str | None = None
    # Whether a plain `name=a,b` means any of a and b (as `name__in=a,b` does).
    splits: bool = False


@dataclass(frozen=True)
class Ordering:
    name: str
    descending: bool = False
    # An order another layer builds (a search sort on a custom field or a computed count):
    # `build(ctx, spec)` returns the ORDER BY terms, direction included (more than one when
    # nulls are ordered by a term of their own); `name` then only labels it.
    build: Callable[[Context, ResourceSpec], list[ColumnElement[Any]]] | None = field(
        default=None, compare=False
    )


@dataclass
class ListQuery:
    # What the list is narrowed to: one filter tree (None: everything in scope).
    where: Filter | None = None
    order_by: list[Ordering] = field(default_factory=list)
    skip: int = 0
    limit: int = 100
    count_total: bool = False
