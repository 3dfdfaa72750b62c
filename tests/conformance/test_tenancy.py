"""Another organization's objects do not exist for the caller: 404, absent from lists and
from the event log, and untouched by attempts to change them."""

from __future__ import annotations

import pytest

from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, factory_for, identity, list_params, make
from tests.conformance.specs import logged_with_verbs, with_verbs
from tests.support import all_events, error_of


@pytest.mark.parametrize("spec", with_verbs("get"))
def test_another_organizations_object_is_404_everywhere(
    world: World, other_world: World, spec: ResourceSpec
) -> None:
    factory = factory_for(spec)
    theirs = make(other_world, spec)
    url = f"{spec.path}/{theirs['id']}/"
    original = other_world.api.ok("GET", url)
    not_found = {"error": f"Empty query: {spec.model_name} matching query does not exist."}

    assert error_of(world.api.get(url), 404) == not_found
    if "update" in spec.verbs:
        assert factory.update is not None
        assert error_of(world.api.put(url, json=factory.update(world, original)), 404) == not_found
    if "delete" in spec.verbs:
        assert error_of(world.api.delete(url), 404) == not_found
    assert other_world.api.ok("GET", url) == original


@pytest.mark.parametrize("spec", with_verbs("list"))
def test_another_organizations_objects_are_not_listed(
    world: World, other_world: World, spec: ResourceSpec
) -> None:
    key = identity(spec)
    theirs = {make(other_world, spec, n)[key] for n in range(2)}
    ours = {make(world, spec, n)[key] for n in range(2)}
    listed = {
        o[key]
        for o in world.api.ok(
            "GET", f"{spec.path}/", params={"_limit": spec.max_limit, **list_params(world, spec)}
        )["data"]
    }
    assert ours <= listed
    assert not theirs & listed
    if "id" in spec.filters:
        for object_id in theirs:
            listed_by_id = world.api.ok(
                "GET", f"{spec.path}/", params={"id": object_id, **list_params(world, spec)}
            )
            assert listed_by_id["data"] == []


@pytest.mark.parametrize("spec", logged_with_verbs("create"))
def test_another_organizations_events_are_not_in_the_log(
    world: World, other_world: World, spec: ResourceSpec
) -> None:
    theirs = make(other_world, spec)
    make(world, spec)
    assert other_world.api.events(object_id=theirs["id"])
    ours = all_events(world.api)
    assert ours
    assert all(e["organization_id"] == world.api.org.organization_id for e in ours)
    assert world.api.events(object_id=theirs["id"]) == []
    for event in other_world.api.events(object_id=theirs["id"]):
        assert error_of(world.api.get(f"event/{event['id']}/"), 404)["error"].startswith("Empty query: ")
        assert world.api.events(request_id=event["request_id"]) == []
