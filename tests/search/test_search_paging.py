"""Sorts, cursors, limits and counts of POST /data/search/; Close's ceilings under the strict setting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from tests.search.helpers import field, ids, of, search
from tests.support import Api, Clock, count_statements, new_organization, validation_errors

Obj = dict[str, Any]


def _leads(api: Api, names: list[str]) -> list[Obj]:
    return [api.ok("POST", "lead/", json={"name": name}) for name in names]


def _by(name: str, direction: str = "asc", object_type: str = "lead") -> list[Obj]:
    return [
        {
            "direction": direction,
            "field": {"type": "regular_field", "object_type": object_type, "field_name": name},
        }
    ]


def test_sorted_pages_follow_the_cursor_without_gaps_or_repeats(api: Api) -> None:
    names = ["delta", "alpha", "echo", "charlie", "bravo", "foxtrot", "golf"]
    created = {lead["name"]: lead["id"] for lead in _leads(api, names)}
    first = search(api, of("lead"), sort=_by("name"), _limit=3, _fields={"lead": ["name"]})
    assert [hit["name"] for hit in first["data"]] == ["alpha", "bravo", "charlie"]
    assert isinstance(first["cursor"], str)
    assert ids(api, of("lead"), sort=_by("name"), _limit=3) == [created[n] for n in sorted(names)]
    assert ids(api, of("lead"), sort=_by("name", "desc"), _limit=2) == [
        created[n] for n in sorted(names, reverse=True)
    ]


def test_default_order_is_newest_first(api: Api, clock: Clock) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made = []
    for day in range(3):
        clock.set(start + timedelta(days=day))
        made.append(api.ok("POST", "lead/", json={"name": f"L{day}"})["id"])
    assert ids(api, of("lead"), _limit=1) == list(reversed(made))
    assert ids(api, of("lead"), sort=_by("date_created"), _limit=2) == made


def test_counts_and_results_limit(api: Api) -> None:
    _leads(api, ["a", "b", "c", "d", "e"])
    page = search(api, of("lead"), include_counts=True, _limit=2)
    assert page["count"] == {"total": 5, "limited": 5}
    capped = search(api, of("lead"), include_counts=True, results_limit=3, _limit=2)
    assert capped["count"] == {"total": 5, "limited": 3}
    assert len(ids(api, of("lead"), results_limit=3, _limit=2)) == 3
    only_counts = search(api, of("lead"), include_counts=True, results_limit=0)
    assert only_counts == {"data": [], "cursor": None, "count": {"total": 5, "limited": 0}}
    filtered = search(
        api,
        of("lead", field("lead", "name", {"type": "text", "value": "a", "mode": "exact_value"})),
        include_counts=True,
    )
    assert filtered["count"] == {"total": 1, "limited": 1}


def test_a_page_is_one_statement_and_counts_one_more(api: Api) -> None:
    _leads(api, ["a", "b", "c"])
    body = {"query": of("lead", field("lead", "name", {"type": "exists"})), "_limit": 2}
    api.ok("POST", "data/search/", json=body)  # warm the caches (key, settings version)
    with count_statements(api.engine) as counter:
        api.ok("POST", "data/search/", json=body)
    plain = len(counter)
    assert len([s for s in counter.statements if "FROM lead" in s]) == 1, counter.statements
    with count_statements(api.engine) as counter:
        api.ok("POST", "data/search/", json={**body, "include_counts": True})
    assert len(counter) == plain + 1, counter.statements


def test_counting_every_lead_reads_the_kept_count_not_the_leads(api: Api) -> None:
    # A query that matches every lead (its object type alone, match_all) is counted from the
    # count the triggers keep; a deleted lead leaves it, and a condition still counts rows.
    made = _leads(api, ["a", "b", "c"])
    api.ok("DELETE", f"lead/{made[1]['id']}/")
    every = [of("lead"), {"type": "and", "queries": [of("lead"), {"type": "match_all"}]}]
    for query in every:
        with count_statements(api.engine) as counter:
            page = search(api, query, include_counts=True, _limit=1)
        assert page["count"] == {"total": 2, "limited": 2}
        assert not [s for s in counter.statements if "count(*)" in s and "FROM lead" in s]
    negated = {"type": "and", "queries": [of("lead"), {"type": "match_all", "negate": True}]}
    with count_statements(api.engine) as counter:
        assert search(api, negated, include_counts=True)["count"] == {"total": 0, "limited": 0}
    assert [s for s in counter.statements if "count(*)" in s and "FROM lead" in s]


def test_a_cursor_belongs_to_its_query(api: Api) -> None:
    _leads(api, ["a", "b", "c"])
    cursor = search(api, of("lead"), _limit=1)["cursor"]
    other = api.post("data/search/", json={"query": of("contact"), "cursor": cursor})
    assert "cursor" in validation_errors(other)
    assert "cursor" in validation_errors(
        api.post("data/search/", json={"query": of("lead"), "cursor": "garbage!"})
    )


def test_sorting_by_a_field_of_another_object_or_a_reference_is_refused(api: Api) -> None:
    errors = validation_errors(
        api.post("data/search/", json={"query": of("lead"), "sort": _by("name", object_type="contact")})
    )
    assert "sort[0].field.object_type" in errors
    errors = validation_errors(api.post("data/search/", json={"query": of("lead"), "sort": _by("status_id")}))
    assert "sort[0].field.field_name" in errors
    errors = validation_errors(
        api.post("data/search/", json={"query": of("lead"), "sort": [{"direction": "up"}]})
    )
    assert "sort[0].direction" in errors


def test_method_override_with_params(api: Api) -> None:
    made = _leads(api, ["b", "a"])
    response = api.post(
        "data/search/",
        json={"_params": {"query": of("lead"), "sort": _by("name"), "_fields": {"lead": ["name"]}}},
        headers={"x-http-method-override": "GET"},
    )
    assert response.status_code == 200, response.text
    assert [hit["name"] for hit in response.json()["data"]] == ["a", "b"]
    assert {hit["id"] for hit in response.json()["data"]} == {m["id"] for m in made}


@pytest.fixture
def strict_api(database_url: str, engine: Any) -> Iterator[Api]:
    app = create_app(Settings(database_url=database_url, rate_limit="off", search_close_limits=True))
    with TestClient(app) as client:
        yield Api(client, new_organization(engine))
    app.state.engine.dispose()


def test_close_limits_cap_a_cursor_chain_and_expire_cursors(
    strict_api: Api, api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leadbase.resources.data import endpoints
    from leadbase.search import CLOSE_LIMITS, SearchLimits

    assert (CLOSE_LIMITS.max_results, CLOSE_LIMITS.cursor_seconds) == (10_000, 30.0)
    # Close's 10,000 made small, so that six leads pass it.
    monkeypatch.setattr(endpoints, "CLOSE_LIMITS", SearchLimits(4, 30.0))
    _leads(strict_api, ["a", "b", "c", "d", "e", "f"])
    assert len(ids(strict_api, of("lead"), _limit=3)) == 4
    clock.set(datetime(2024, 1, 1, tzinfo=UTC))
    cursor = search(strict_api, of("lead"), _limit=1)["cursor"]
    clock.set(datetime(2024, 1, 1, 0, 0, 31, tzinfo=UTC))
    expired = strict_api.post("data/search/", json={"query": of("lead"), "_limit": 1, "cursor": cursor})
    assert "expired" in validation_errors(expired)["cursor"]
    # Without the setting, a chain runs to the end and cursors do not expire.
    _leads(api, ["a", "b", "c", "d", "e", "f"])
    clock.set(datetime(2024, 1, 1, tzinfo=UTC))
    cursor = search(api, of("lead"), _limit=1)["cursor"]
    clock.set(datetime(2024, 1, 2, tzinfo=UTC))
    assert len(search(api, of("lead"), _limit=1, cursor=cursor)["data"]) == 1
    assert len(ids(api, of("lead"), _limit=3)) == 6


def test_another_organizations_objects_are_never_found(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    theirs = other.ok("POST", "lead/", json={"name": "Theirs", "contacts": [{"name": "Them"}]})
    mine = api.ok("POST", "lead/", json={"name": "Mine"})
    assert set(ids(api, of("lead"))) == {mine["id"]}
    assert ids(api, of("lead", {"type": "id", "value": theirs["id"]})) == []
    assert ids(api, of("contact")) == []
    page = search(api, of("lead"), include_counts=True)
    assert page["count"]["total"] == 1
