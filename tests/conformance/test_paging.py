"""Offset paging on every list: _skip/_limit edges, has_more, total_results, bad values."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, identity, list_params, make
from tests.conformance.specs import with_verbs
from tests.support import validation_errors

LISTS = with_verbs("list")


def _page(world: World, spec: ResourceSpec, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = world.api.ok("GET", f"{spec.path}/", params={**list_params(world, spec), **params})
    assert isinstance(body["data"], list)
    if spec.has_more:
        assert isinstance(body["has_more"], bool)
    return body


def _everything(world: World, spec: ResourceSpec) -> list[dict[str, Any]]:
    body = _page(world, spec, _limit=spec.max_limit)
    assert body.get("has_more", False) is False
    data: list[dict[str, Any]] = body["data"]
    return data


@pytest.fixture
def three(world: World, spec: ResourceSpec) -> list[dict[str, Any]]:
    return [make(world, spec, n) for n in range(3)]


@pytest.mark.parametrize("spec", LISTS)
def test_limit_one_walks_the_whole_list_in_order(
    world: World, spec: ResourceSpec, three: list[dict[str, Any]]
) -> None:
    everything = _everything(world, spec)
    key = identity(spec)
    ids = [o[key] for o in everything]
    assert {o[key] for o in three} <= set(ids)
    assert len(set(ids)) == len(ids)
    walked: list[str] = []
    for skip in range(len(ids)):
        page = _page(world, spec, _skip=skip, _limit=1)
        assert len(page["data"]) == 1
        walked.append(page["data"][0][key])
        if spec.has_more:
            assert page["has_more"] is (skip < len(ids) - 1)
        if spec.total_results:
            assert page["total_results"] == len(ids)
    assert walked == ids


@pytest.mark.parametrize("spec", LISTS)
def test_limit_zero_returns_no_rows(world: World, spec: ResourceSpec, three: list[dict[str, Any]]) -> None:
    count = len(_everything(world, spec))
    page = _page(world, spec, _limit=0)
    assert page["data"] == []
    if spec.has_more:
        assert page["has_more"] is True
    if spec.total_results:
        assert page["total_results"] == count
    past = _page(world, spec, _limit=0, _skip=count)
    if spec.has_more:
        assert past["has_more"] is False


@pytest.mark.parametrize("spec", LISTS)
def test_skip_past_the_end_is_an_empty_last_page(
    world: World, spec: ResourceSpec, three: list[dict[str, Any]]
) -> None:
    count = len(_everything(world, spec))
    for skip in (count, count + 7):
        page = _page(world, spec, _skip=skip, _limit=5)
        assert page["data"] == []
        if spec.has_more:
            assert page["has_more"] is False
        if spec.total_results:
            assert page["total_results"] == count


@pytest.mark.parametrize("spec", LISTS)
def test_the_last_partial_page_has_no_more(
    world: World, spec: ResourceSpec, three: list[dict[str, Any]]
) -> None:
    count = len(_everything(world, spec))
    page = _page(world, spec, _skip=count - 2, _limit=5)
    assert len(page["data"]) == 2
    if spec.has_more:
        assert page["has_more"] is False


@pytest.mark.parametrize("spec", LISTS)
def test_limit_up_to_the_maximum_is_accepted_and_above_it_is_400(world: World, spec: ResourceSpec) -> None:
    _page(world, spec, _limit=spec.max_limit)
    errors = validation_errors(
        world.api.get(f"{spec.path}/", params={**list_params(world, spec), "_limit": spec.max_limit + 1})
    )
    assert "_limit" in errors


@pytest.mark.parametrize("spec", LISTS)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("_limit", "-1"),
        ("_limit", "ten"),
        ("_limit", "1.5"),
        ("_skip", "-1"),
        ("_skip", "x"),
        ("_skip", "2.0"),
    ],
)
def test_bad_window_values_are_400_field_errors(
    world: World, spec: ResourceSpec, name: str, value: str
) -> None:
    errors = validation_errors(
        world.api.get(f"{spec.path}/", params={**list_params(world, spec), name: value})
    )
    assert name in errors


@pytest.mark.parametrize("spec", LISTS)
def test_unknown_query_parameters_are_ignored(
    world: World, spec: ResourceSpec, three: list[dict[str, Any]]
) -> None:
    plain = _everything(world, spec)
    page = _page(world, spec, _limit=spec.max_limit, organization_id="orga_x", limit="1", no_such_filter="y")
    assert page["data"] == plain
