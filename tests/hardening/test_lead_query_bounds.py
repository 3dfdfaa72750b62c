"""Issue 8, findings 3 and 5 through the API: repeated `status:` terms cost one comparison, huge
or deep queries are 400s naming the limit, and and/or/not answer as they read."""

from __future__ import annotations

from leadbase.search.lead_query import MAX_LENGTH, MAX_TERMS
from tests.support import Api, count_statements, error_of

OVERRIDE = {"x-http-method-override": "GET"}


def _names(api: Api, query: str) -> list[str]:
    page = api.ok("GET", "lead/", params={"query": query, "_order_by": "name"})
    return [lead["name"] for lead in page["data"]]


def _lead_select(api: Api, query: str) -> str:
    with count_statements(api.engine) as counter:
        api.ok("POST", "lead/", json={"_params": {"query": query}}, headers=OVERRIDE)
    selects = [s for s in counter.statements if "FROM lead " in s or "FROM lead\n" in s]
    return max(selects, key=len)


def test_repeated_status_terms_do_not_grow_the_sql(api: Api) -> None:
    api.ok("POST", "lead/", json={"name": "A", "status": "Qualified"})
    one = _lead_select(api, "status:Qualified")
    for count in (200, 500):
        assert _lead_select(api, " ".join(["status:Qualified"] * count)) == one
    assert _names(api, " ".join(["status:qualified"] * 500)) == ["A"]


def test_many_distinct_status_terms_are_one_comparison_each(api: Api) -> None:
    api.ok("POST", "lead/", json={"name": "A", "status": "Qualified"})
    labels = [f"s{i}" for i in range(MAX_TERMS - 1)] + ["Qualified"]
    assert _names(api, " or ".join(f"status:{label}" for label in labels)) == ["A"]


def test_a_megabyte_query_through_the_method_override_is_400(api: Api) -> None:
    response = api.post("lead/", json={"_params": {"query": "name:" + "x" * 1_000_000}}, headers=OVERRIDE)
    assert str(MAX_LENGTH) in error_of(response, 400)["error"]


def test_too_many_distinct_terms_is_400_naming_the_limit(api: Api) -> None:
    query = " ".join(f"name:n{i}" for i in range(MAX_TERMS + 1))
    assert str(MAX_TERMS) in error_of(api.get("lead/", params={"query": query}), 400)["error"]


def test_or_and_not_answer_as_they_read(api: Api) -> None:
    for name, status in (("Apple", "Potential"), ("Banana", "Qualified"), ("Cherry", "Customer")):
        api.ok("POST", "lead/", json={"name": name, "status": status})
    assert _names(api, "status:Potential or status:Qualified") == ["Apple", "Banana"]
    assert _names(api, "not status:Potential") == ["Banana", "Cherry"]
    assert _names(api, "(name:a or name:c) and not status:customer") == ["Apple"]
    assert _names(api, "status:nosuchstatus") == []
    assert _names(api, "*") == ["Apple", "Banana", "Cherry"]
