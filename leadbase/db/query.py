"""Filters, sorts and windows as values: parsed once at the edge, applied by the repository."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement

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
    # The SQL expression compared; built from the resource's table when None.
    column: str | None = None
    # For filters that are not a plain column comparison (e.g. a subquery).
    build: Callable[[Operator, Any], ColumnElement[bool]] | None = None


@dataclass(frozen=True)
class Condition:
    filter: FilterSpec
    operator: Operator
    value: Any


@dataclass(frozen=True)
class Ordering:
    name: str
    descending: bool = False


@dataclass
class ListQuery:
    conditions: list[Condition] = field(default_factory=list)
    order_by: list[Ordering] = field(default_factory=list)
    skip: int = 0
    limit: int = 100
    count_total: bool = False
