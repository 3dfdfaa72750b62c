"""Malformed or unknown constructs: a 400 naming the place in the query, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.search.helpers import and_, custom, field, of, related
from tests.support import Api, validation_errors


def _errors(api: Api, body: Any) -> dict[str, Any]:
    return validation_errors(api.post("data/search/", json=body))


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ({"type": "nope"}, "query.type"),
        ({"queries": []}, "query.type"),
        ("lead", "query"),
        ({"type": "and"}, "query.queries"),
        (
            {"type": "and", "queries": [{"type": "and", "queries": [{"type": "wat"}]}]},
            "query.queries[0].queries[0].type",
        ),
        (
            of(
                "lead", {"type": "field_condition", "field": {"type": "regular_field", "object_type": "lead"}}
            ),
            "query.queries[1].field.field_name",
        ),
        (of("lead", field("lead", "name", {"type": "fuzzy"})), "query.queries[1].condition.type"),
        (
            of("lead", field("lead", "name", {"type": "text", "value": "x", "mode": "soundex"})),
            "query.queries[1].condition.mode",
        ),
        (of("lead", field("lead", "nope", {"type": "exists"})), "query.queries[1].field.field_name"),
        (of("lead", field("contact", "name", {"type": "exists"})), "query.queries[1].field.object_type"),
        (
            of("lead", field("lead", "name", {"type": "number_range", "gt": 1})),
            "query.queries[1].condition.type",
        ),
        (
            of("lead", field("lead", "date_created", {"type": "text", "value": "x"})),
            "query.queries[1].condition.type",
        ),
        (
            of(
                "lead",
                field(
                    "lead",
                    "date_created",
                    {"type": "moment_range", "on_or_after": {"type": "fixed_utc", "value": "yesterday"}},
                ),
            ),
            "query.queries[1].condition.on_or_after.value",
        ),
        (
            of(
                "lead",
                field(
                    "lead",
                    "date_created",
                    {
                        "type": "moment_range",
                        "before": {"type": "start_end_of_predefined_relative_period", "range": "next-decade"},
                    },
                ),
            ),
            "query.queries[1].condition.before.range",
        ),
        (
            of(
                "lead",
                field(
                    "lead",
                    "date_created",
                    {"type": "moment_range", "before": {"type": "offset", "offset": {"fortnights": 1}}},
                ),
            ),
            "query.queries[1].condition.before.offset.fortnights",
        ),
        (of("lead", related("lead", "planet")), "query.queries[1].related_object_type"),
        (of("lead", related("contact", "lead")), "query.queries[1].this_object_type"),
        (of("lead", related("lead", "contact_email")), "query.queries[1].related_object_type"),
        (of("lead", {"type": "text", "value": 3}), "query.queries[1].value"),
        (of("lead", {"type": "id"}), "query.queries[1].value"),
        (of("lead", {"type": "saved_search"}), "query.queries[1].saved_search_id"),
        (of("lead", {"type": "match_all", "negate": "yes"}), "query.queries[1].negate"),
        (of("planet"), "query"),
        (of("contact_email"), "query"),
    ],
)
def test_bad_queries_name_the_place(api: Api, query: Any, where: str) -> None:
    errors = _errors(api, {"query": query})
    assert where in errors, errors


def test_bad_top_level_keys(api: Api) -> None:
    assert "query" in _errors(api, {})
    assert "_limit" in _errors(api, {"query": of("lead"), "_limit": -1})
    assert "results_limit" in _errors(api, {"query": of("lead"), "results_limit": "all"})
    assert "include_counts" in _errors(api, {"query": of("lead"), "include_counts": "yes"})
    assert "_fields" in _errors(api, {"query": of("lead"), "_fields": ["id"]})
    assert "sort" in _errors(api, {"query": of("lead"), "sort": "name"})
    # Keys Close's UI copies along are tolerated.
    assert api.post("data/search/", json={"query": of("lead"), "limit": None}).status_code == 200


def test_deep_or_huge_queries_are_refused_before_any_work(api: Api) -> None:
    deep: dict[str, Any] = {"type": "match_all"}
    for _ in range(20):
        deep = and_(deep)
    assert any("levels" in message for message in _errors(api, {"query": deep}).values())
    wide = and_(*(and_({"type": "id", "value": f"lead_{i}"}, {"type": "match_all"}) for i in range(800)))
    assert any("nodes" in message for message in _errors(api, {"query": wide}).values())


def test_unknown_custom_field_on_an_object_without_custom_fields(api: Api) -> None:
    errors = _errors(
        api, {"query": of("lead", related("lead", "address", custom("cf_x", {"type": "exists"})))}
    )
    assert "query.queries[1].related_query.field.custom_field_id" in errors
