"""Query parameters parsed once at the edge into values: windows, filters, sorts, _fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import leadbase.custom_fields.filtering  # noqa: F401  (registers the custom.<field> filter paths)
from leadbase.api.endpoint import Endpoint
from leadbase.core.dates import parse_date, parse_datetime
from leadbase.core.errors import Invalid
from leadbase.db.filters import Filter, Term, all_of
from leadbase.db.query import FilterSpec, ListQuery, Operator, Ordering
from leadbase.db.resource import ResourceSpec

_SUFFIXES: dict[str, Operator] = {"in": "in", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}
TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})


def parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise Invalid({name: "Must be true or false."})


def parse_int(
    name: str, value: str | None, default: int, *, minimum: int = 0, maximum: int | None = None
) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise Invalid({name: "Must be an integer."}) from exc
    if number < minimum:
        raise Invalid({name: f"Must be at least {minimum}."})
    if maximum is not None and number > maximum:
        raise Invalid({name: f"The maximum {name} for this resource is {maximum}."})
    return number


# Far past any real list, and inside the 64-bit integers the databases take for OFFSET.
MAX_SKIP = 10**12


def parse_window(endpoint: Endpoint, params: Mapping[str, str], max_skip: int = MAX_SKIP) -> tuple[int, int]:
    """`_skip` and `_limit`; `max_skip` is lower in Close-strict mode (see config.py)."""
    skip = parse_int("_skip", params.get("_skip"), 0)
    if skip > max_skip:
        # Close's wording; the Singer tap looks for "max_skip = " in it.
        raise Invalid(
            {
                "_skip": "The skip you set is larger than the maximum skip for this resource "
                f"(max_skip = {max_skip}). Please refine your search query."
            }
        )
    limit = parse_int("_limit", params.get("_limit"), endpoint.default_limit, maximum=endpoint.max_limit)
    return skip, limit


def _typed(spec: FilterSpec, name: str, raw: str, tz_offset: float | None) -> Any:
    if spec.kind == "datetime":
        try:
            return parse_datetime(raw, tz_offset)
        except ValueError as exc:
            raise Invalid({name: "Not a valid date or datetime (use YYYY-MM-DD or ISO 8601)."}) from exc
    if spec.kind == "date":
        try:
            return parse_date(raw)
        except ValueError as exc:
            raise Invalid({name: "Not a valid date (use YYYY-MM-DD)."}) from exc
    if spec.kind == "bool":
        return parse_bool(name, raw)
    if spec.kind == "int":
        # Both databases hold 64-bit integers; past them SQLite's driver raises OverflowError.
        return parse_int(name, raw, 0, minimum=-(2**63), maximum=2**63 - 1)
    return raw


def parse_filters(
    filters: Mapping[str, FilterSpec], params: Mapping[str, str], tz_offset: float | None
) -> Filter | None:
    """The filter tree of the known filter parameters (all must hold); unknown ones are ignored."""
    conditions: list[Filter] = []
    for key, raw in params.items():
        base, _, suffix = key.rpartition("__")
        if not base or suffix not in _SUFFIXES:
            base, operator = key, "eq"
        else:
            operator = _SUFFIXES[suffix]
        spec = filters.get(base)
        if spec is None or operator not in spec.operators:
            continue
        path = spec.column or spec.name
        if operator == "in" or (operator == "eq" and spec.splits):
            values = [_typed(spec, key, part.strip(), tz_offset) for part in raw.split(",") if part.strip()]
            conditions.append(Term(path, "in", values))
        else:
            conditions.append(Term(path, operator, _typed(spec, key, raw, tz_offset)))
    return all_of(conditions)


def default_ordering(spec: ResourceSpec) -> list[Ordering]:
    """The order a list takes without `_order_by`: the spec's `default_order`, where a leading
    `-` means descending (activities: `("-date_created", "id")`, newest first). The repository
    breaks every tie by `id` itself, so `id` is left out here."""
    out = []
    for name in spec.default_order:
        bare = name.lstrip("-")
        if bare != "id":
            out.append(Ordering(bare, descending=name.startswith("-")))
    return out


def parse_order(spec: ResourceSpec, params: Mapping[str, str]) -> list[Ordering]:
    raw = params.get("_order_by")
    if not raw:
        return default_ordering(spec)
    orderings = []
    for part in raw.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.lstrip("-+")
        if not name:
            continue
        if name not in spec.orderings:
            allowed = ", ".join(sorted(spec.orderings)) or "none"
            raise Invalid({"_order_by": f"Cannot order by {name!r}; allowed: {allowed}."})
        orderings.append(Ordering(name, descending))
    return orderings


def parse_list_query(
    endpoint: Endpoint, params: Mapping[str, str], tz_offset: float | None, max_skip: int = MAX_SKIP
) -> ListQuery:
    spec = endpoint.spec
    skip, limit = parse_window(endpoint, params, max_skip)
    return ListQuery(
        where=parse_filters(spec.filters, params, tz_offset),
        order_by=parse_order(spec, params),
        skip=skip,
        limit=limit,
        count_total=endpoint.total_results,
    )


@dataclass(frozen=True)
class FieldSelection:
    """What `_fields` asked for: plain names, whole `custom`, single `custom.cf_...` keys."""

    names: frozenset[str]
    everything: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> FieldSelection | None:
        if raw is None or not raw.strip():
            return None
        names = frozenset(part.strip() for part in raw.split(",") if part.strip())
        return cls(names, everything="_all" in names)

    def shown(self) -> frozenset[str] | None:
        """The keys a projected representation keeps (None: all of them)."""
        return None if self.everything else self.names

    def project(self, obj: dict[str, Any]) -> dict[str, Any]:
        if self.everything:
            return obj
        all_custom = "custom" in self.names
        return {
            key: value
            for key, value in obj.items()
            if key in self.names or (all_custom and key.startswith("custom."))
        }


def project(obj: dict[str, Any], selection: FieldSelection | None) -> dict[str, Any]:
    return obj if selection is None else selection.project(obj)
