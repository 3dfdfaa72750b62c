"""Close's error bodies on every resource: 404 for unknown ids, 400 validation shapes."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, factory_for, list_params, make
from tests.conformance.specs import object_id_of, with_verbs
from tests.support import all_events, error_of, validation_errors

ITEM_VERBS = {"get": "GET", "update": "PUT", "delete": "DELETE"}


def _not_found(spec: ResourceSpec) -> dict[str, str]:
    return {"error": f"Empty query: {spec.model_name} matching query does not exist."}


@pytest.mark.parametrize(
    ("spec", "method"),
    [
        pytest.param(p.values[0], method, id=f"{p.id}-{method}")
        for verb, method in ITEM_VERBS.items()
        for p in with_verbs(verb)
    ],
)
def test_unknown_id_is_404_with_close_body(world: World, spec: ResourceSpec, method: str) -> None:
    for object_id in (object_id_of(spec), "nonsense", "lead_" + "0" * 43):
        kwargs: dict[str, Any] = {"json": {}} if method == "PUT" else {}
        response = world.api.request(method, f"{spec.path}/{object_id}/", **kwargs)
        assert error_of(response, 404) == _not_found(spec), (method, object_id)


@pytest.mark.parametrize("spec", with_verbs("create"))
def test_invalid_create_is_400_and_writes_nothing(world: World, spec: ResourceSpec) -> None:
    factory = factory_for(spec)
    assert factory.invalid_create is not None, f"give the factory of {spec.path!r} an invalid_create"
    body, field = factory.invalid_create
    params = list_params(world, spec)
    before = world.api.ok("GET", f"{spec.path}/", params=params) if "list" in spec.verbs else None
    events_before = all_events(world.api)
    errors = validation_errors(world.api.post(f"{spec.path}/", json=body))
    assert errors.get(field), errors
    if before is not None:
        assert world.api.ok("GET", f"{spec.path}/", params=params) == before
    assert all_events(world.api) == events_before


@pytest.mark.parametrize("spec", with_verbs("get", "update"))
def test_invalid_update_is_400_and_changes_nothing(world: World, spec: ResourceSpec) -> None:
    factory = factory_for(spec)
    assert factory.invalid_update is not None, f"give the factory of {spec.path!r} an invalid_update"
    body, field = factory.invalid_update
    obj = make(world, spec)
    url = f"{spec.path}/{obj['id']}/"
    before = world.api.ok("GET", url)
    events_before = all_events(world.api)
    errors = validation_errors(world.api.put(url, json=body))
    assert errors.get(field), errors
    assert world.api.ok("GET", url) == before
    assert all_events(world.api) == events_before


@pytest.mark.parametrize("spec", with_verbs("create"))
def test_create_body_that_is_not_an_object_is_400(world: World, spec: ResourceSpec) -> None:
    for body in ([{"name": "x"}], "text", 3):
        response = world.api.post(f"{spec.path}/", json=body)
        validation_errors(response)
        assert response.json()["errors"], body


@pytest.mark.parametrize("spec", with_verbs("get", "update"))
def test_update_body_that_is_not_an_object_is_400(world: World, spec: ResourceSpec) -> None:
    obj = make(world, spec)
    response = world.api.put(f"{spec.path}/{obj['id']}/", json=["not", "an", "object"])
    validation_errors(response)
    assert response.json()["errors"]


@pytest.mark.parametrize("spec", with_verbs("list"))
def test_list_without_credentials_is_401(world: World, spec: ResourceSpec) -> None:
    response = world.api.client.get(f"/api/v1/{spec.path}/")
    assert "error" in error_of(response, 401)


@pytest.mark.parametrize(
    ("spec", "method"),
    [
        pytest.param(s, method, id=f"{s.path}-{method}")
        for s in (p.values[0] for p in with_verbs("get"))
        for verb, method in ITEM_VERBS.items()
        if verb not in s.verbs
    ],
)
def test_a_verb_the_resource_lacks_is_405_json(world: World, spec: ResourceSpec, method: str) -> None:
    obj = make(world, spec)
    response = world.api.request(method, f"{spec.path}/{obj['id']}/")
    assert "error" in error_of(response, 405)
