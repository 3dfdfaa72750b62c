"""Close's webhook filter language, evaluated on event documents."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.events.filters import FilterError, check, matches

EVENT: dict[str, Any] = {
    "user_id": "user_1",
    "action": "updated",
    "changed_fields": ["status_id", "date_updated"],
    "meta": {"request_method": "PUT"},
    "data": {
        "status_label": "Won",
        "display_name": "Acme Widgets",
        "custom.cf_tier": "Gold",
        "addresses": [{"country": "US"}, {"country": "DE"}],
        "value": None,
    },
    "previous_data": {"status_label": "Active"},
}


def at(*path: str, node: dict[str, Any]) -> dict[str, Any]:
    for name in reversed(path):
        node = {"type": "field_accessor", "field": name, "filter": node}
    return node


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (at("data", "status_label", node={"type": "equals", "value": "Won"}), True),
        (at("data", "status_label", node={"type": "equals", "value": "won"}), False),
        (at("previous_data", "status_label", node={"type": "not_equals", "value": "Won"}), True),
        (at("changed_fields", node={"type": "contains", "value": "status_id"}), True),
        (at("changed_fields", node={"type": "contains", "value": "name"}), False),
        (at("data", "display_name", node={"type": "contains", "value": "Widget"}), True),
        (at("data", "custom.cf_tier", node={"type": "equals", "value": "Gold"}), True),
        (at("data", "value", node={"type": "is_null"}), True),
        (at("data", "missing", node={"type": "is_null"}), True),
        (at("user_id", node={"type": "non_null"}), True),
        (
            at(
                "data",
                "addresses",
                node={
                    "type": "any_array_value",
                    "filter": at("country", node={"type": "equals", "value": "DE"}),
                },
            ),
            True,
        ),
        (
            at(
                "data",
                "addresses",
                node={
                    "type": "any_array_value",
                    "filter": at("country", node={"type": "equals", "value": "FR"}),
                },
            ),
            False,
        ),
        (
            {
                "type": "and",
                "filters": [
                    at("user_id", node={"type": "non_null"}),
                    at("meta", "request_method", node={"type": "equals", "value": "PUT"}),
                ],
            },
            True,
        ),
        (
            {
                "type": "or",
                "filters": [
                    at("action", node={"type": "equals", "value": "created"}),
                    at("action", node={"type": "equals", "value": "deleted"}),
                ],
            },
            False,
        ),
        ({"type": "not", "filter": at("action", node={"type": "equals", "value": "created"})}, True),
    ],
)
def test_filters_match_as_documented(node: dict[str, Any], expected: bool) -> None:
    check(node)
    assert matches(node, EVENT) is expected


def test_too_deep_a_filter_is_refused() -> None:
    node: dict[str, Any] = {"type": "is_null"}
    for _ in range(40):
        node = {"type": "not", "filter": node}
    with pytest.raises(FilterError, match="deeper"):
        check(node)


def test_an_error_names_where_it_is() -> None:
    with pytest.raises(FilterError, match=r"extra_filter\.filters\[1\]"):
        check({"type": "and", "filters": [{"type": "is_null"}, {"type": "equals"}]})
