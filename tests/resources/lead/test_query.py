"""GET /lead/?query=: the query strings real clients send (see also test_query_string.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support import Api, Clock, error_of


def _names(api: Api, query: str, **params: object) -> list[str]:
    return [lead["name"] for lead in api.ok("GET", "lead/", params={"query": query, **params})["data"]]


@pytest.fixture
def dated(api: Api, clock: Clock) -> dict[str, str]:
    """Four leads created on four days, one of them updated later."""
    ids = {}
    for day, name in ((1, "Apple"), (2, "Banana"), (3, "Cherry"), (4, "Apricot")):
        clock.set(datetime(2024, 5, day, 9, 30, tzinfo=UTC))
        ids[name] = api.ok("POST", "lead/", json={"name": name})["id"]
    clock.set(datetime(2024, 5, 10, 9, 30, tzinfo=UTC))
    api.ok("PUT", f"lead/{ids['Apple']}/", json={"description": "touched"})
    clock.release()
    return ids


def test_date_updated_since_sorted_by_date_updated(api: Api, dated: dict[str, str]) -> None:
    # What the Singer tap sends, with minute precision.
    query = 'date_updated>="2024-05-02T09:30" sort:date_updated'
    assert _names(api, query) == ["Banana", "Cherry", "Apricot", "Apple"]
    assert _names(api, 'date_updated > "2024-05-02T09:30" sort:-date_updated') == [
        "Apple",
        "Apricot",
        "Cherry",
    ]
    page = api.ok("GET", "lead/", params={"query": query, "_limit": 2})
    assert [lead["name"] for lead in page["data"]] == ["Banana", "Cherry"]
    assert (page["has_more"], page["total_results"]) == (True, 4)


def test_date_created_range_and_sort_created(api: Api, dated: dict[str, str]) -> None:
    query = 'date_created>="2024-05-02" date_created<"2024-05-04" sort:created'
    assert _names(api, query) == ["Banana", "Cherry"]
    assert _names(api, "created<=2024-05-01T09:30:00Z") == ["Apple"]


def test_name_matches_and_combines_with_sort(api: Api, dated: dict[str, str]) -> None:
    assert sorted(_names(api, "name:ap")) == ["Apple", "Apricot"]
    assert _names(api, 'name:"Apricot"') == ["Apricot"]
    assert _names(api, "name:Ap sort:-created") == ["Apricot", "Apple"]
    assert _names(api, "name:zzz") == []


def test_status_and_star(api: Api) -> None:
    api.ok("POST", "lead/", json={"name": "Won", "status": "Customer"})
    api.ok("POST", "lead/", json={"name": "New"})
    assert _names(api, 'status:"Customer"') == ["Won"]
    # Labels match without regard to case, as they do when a lead is written.
    assert _names(api, "status:customer") == ["Won"]
    assert sorted(_names(api, "*")) == ["New", "Won"]


def test_total_results_with_a_query_counts_matches_on_every_page(api: Api, dated: dict[str, str]) -> None:
    for params in ({"_limit": 1}, {"_limit": 0}, {"_skip": 1, "_limit": 5}, {"_skip": 2}, {"_skip": 10}):
        page = api.ok("GET", "lead/", params={"query": "name:ap", **params})
        assert page["total_results"] == 2, params


def test_query_combines_with_filters(api: Api, dated: dict[str, str]) -> None:
    names = _names(api, "name:ap", date_created__gte="2024-05-02")
    assert names == ["Apricot"]


@pytest.mark.parametrize(
    "query",
    [
        "slice:5/4",
        "sort:colour",
        "colour:red",
        "fax(number:1)",
        "has:wings",
        'date_updated>="soon"',
    ],
)
def test_unsupported_terms_are_400_with_json_error(api: Api, query: str) -> None:
    body = error_of(api.get("lead/", params={"query": query}), 400)
    assert isinstance(body["error"], str) and body["error"]


def test_unbalanced_quotes_are_400(api: Api) -> None:
    body = error_of(api.get("lead/", params={"query": 'name:"Acme'}), 400)
    assert body["error"]
