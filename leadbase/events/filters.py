"""Close's webhook filter language (`extra_filter`), checked on write and evaluated per event.

The language walks one document: the event as a subscriber receives it (`data`,
`previous_data`, `changed_fields`, `meta`, `user_id`...). It is about payloads, not rows (an
`updated` event's `previous_data` exists nowhere in the tables), so it is evaluated in Python
against the event's document rather than compiled onto the database's filter tree.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 32
VALUE_TYPES = {"equals", "not_equals", "contains"}
BARE_TYPES = {"is_null", "non_null"}
GROUP_TYPES = {"and", "or"}
WRAP_TYPES = {"not", "any_array_value"}
TYPES = VALUE_TYPES | BARE_TYPES | GROUP_TYPES | WRAP_TYPES | {"field_accessor"}

_MISSING = object()


class FilterError(ValueError):
    """A filter Close would refuse: the message names what is wrong and where."""


def check(node: Any, where: str = "extra_filter", depth: int = 0) -> None:
    """Raise FilterError unless `node` is a well-formed filter."""
    if depth > MAX_DEPTH:
        raise FilterError(f"{where}: filters nest deeper than {MAX_DEPTH} levels.")
    if not isinstance(node, dict):
        raise FilterError(f"{where}: a filter is an object with a `type`.")
    kind = node.get("type")
    if kind not in TYPES:
        raise FilterError(
            f"{where}: unknown filter type {kind!r}; expected one of {', '.join(sorted(TYPES))}."
        )
    allowed = {"type"}
    if kind in VALUE_TYPES:
        allowed.add("value")
        if "value" not in node:
            raise FilterError(f"{where}: a {kind} filter needs a `value`.")
    elif kind in GROUP_TYPES:
        allowed.add("filters")
        children = node.get("filters")
        if not isinstance(children, list) or not children:
            raise FilterError(f"{where}: an {kind} filter needs a non-empty list `filters`.")
        for index, child in enumerate(children):
            check(child, f"{where}.filters[{index}]", depth + 1)
    elif kind in WRAP_TYPES or kind == "field_accessor":
        allowed.add("filter")
        if kind == "field_accessor":
            allowed.add("field")
            if not isinstance(node.get("field"), str) or not node["field"]:
                raise FilterError(f"{where}: a field_accessor filter needs a `field` name.")
        if "filter" not in node:
            raise FilterError(f"{where}: a {kind} filter needs a `filter`.")
        check(node["filter"], f"{where}.filter", depth + 1)
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise FilterError(f"{where}: a {kind} filter takes no {', '.join(unknown)}.")


def matches(node: dict[str, Any], value: Any) -> bool:
    """Whether `value` (the event document at the top) passes a checked filter."""
    kind = node["type"]
    if kind == "field_accessor":
        inner = value.get(node["field"], _MISSING) if isinstance(value, dict) else _MISSING
        # A missing key reads as null, so `is_null` matches an absent field as Close's docs imply.
        return matches(node["filter"], None if inner is _MISSING else inner)
    if kind == "equals":
        return bool(value == node["value"])
    if kind == "not_equals":
        return bool(value != node["value"])
    if kind == "is_null":
        return value is None
    if kind == "non_null":
        return value is not None
    if kind == "contains":
        wanted = node["value"]
        if isinstance(value, list):
            return wanted in value
        if isinstance(value, str) and isinstance(wanted, str):
            return wanted in value
        return False
    if kind == "and":
        return all(matches(child, value) for child in node["filters"])
    if kind == "or":
        return any(matches(child, value) for child in node["filters"])
    if kind == "not":
        return not matches(node["filter"], value)
    if kind == "any_array_value":
        return isinstance(value, list) and any(matches(node["filter"], item) for item in value)
    raise AssertionError(kind)
