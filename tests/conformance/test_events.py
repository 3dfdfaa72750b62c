"""Every write of every logged resource records exactly one event about the object, with
the right type, action, diff and request facts."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, factory_for, make
from tests.conformance.specs import logged_with_verbs
from tests.support import all_events

Obj = dict[str, Any]


def _new_events(world: World, before: list[Obj]) -> list[Obj]:
    seen = {e["id"] for e in before}
    return [e for e in all_events(world.api) if e["id"] not in seen]


# Actions Close's log records beside an object's own created/updated/deleted, when a change
# brings the object to a state (search-events-automation.md §3.4: a meeting made `completed`).
ANNOUNCED = frozenset({"merged", "completed", "sent", "answered", "scheduled", "started", "canceled"})


def _only_event_about(events: list[Obj], object_id: str) -> Obj:
    """The object's one created/updated/deleted event (announced actions may stand beside it)."""
    about = [e for e in events if e["object_id"] == object_id]
    own = [e for e in about if e["action"] not in ANNOUNCED]
    assert len(own) == 1, about
    assert len(about) - 1 == len({e["action"] for e in about if e["action"] in ANNOUNCED}), about
    return own[0]


def _check_envelope(world: World, spec: ResourceSpec, events: list[Obj], method: str, path: str) -> None:
    assert events
    assert len({e["request_id"] for e in events}) == 1, "one request, one request_id"
    assert events[0]["request_id"].startswith("req_")
    for e in events:
        assert e["id"].startswith("ev_")
        assert e["organization_id"] == world.api.org.organization_id
        assert e["user_id"] == world.api.org.user_id
        assert e["api_key_id"] == world.api.org.api_key_id
        assert e["meta"] == {"request_method": method, "request_path": path}
        assert "data" in e and "previous_data" in e


def _lead_id(spec: ResourceSpec, obj: Obj) -> Any:
    return obj.get(spec.lead_column) if spec.lead_column else None


@pytest.mark.parametrize("spec", logged_with_verbs("create"))
def test_create_records_one_created_event(world: World, spec: ResourceSpec) -> None:
    factory = factory_for(spec)
    assert factory.body is not None
    body = factory.body(world, 0)
    before = all_events(world.api)
    created = world.api.ok("POST", f"{spec.path}/", expected=spec.create_status, json=body)
    events = _new_events(world, before)
    _check_envelope(world, spec, events, "POST", f"/api/v1/{spec.path}/")
    event = _only_event_about(events, created["id"])
    assert event["object_type"] == spec.object_type
    assert event["action"] == "created"
    assert event["changed_fields"] == []
    assert event["previous_data"] == {}
    assert event["data"] == created
    assert event["lead_id"] == _lead_id(spec, created)
    if "get" in spec.verbs:
        assert world.api.ok("GET", f"{spec.path}/{created['id']}/") == created


@pytest.mark.parametrize("spec", logged_with_verbs("get", "update"))
def test_update_records_one_updated_event_with_the_diff(world: World, spec: ResourceSpec) -> None:
    factory = factory_for(spec)
    assert factory.update is not None
    obj = make(world, spec)
    url = f"{spec.path}/{obj['id']}/"
    current = world.api.ok("GET", url)
    change = factory.update(world, current)
    before = all_events(world.api)
    updated = world.api.ok("PUT", url, json=change)
    events = _new_events(world, before)
    _check_envelope(world, spec, events, "PUT", f"/api/v1/{url}")
    event = _only_event_about(events, obj["id"])
    assert event["object_type"] == spec.object_type
    assert event["action"] == "updated"
    changed = {k for k in set(current) | set(updated) if current.get(k) != updated.get(k)}
    assert set(change) & set(current) <= changed
    if "date_updated" in current:
        assert "date_updated" in changed
    assert sorted(event["changed_fields"]) == sorted(changed)
    assert len(event["changed_fields"]) == len(set(event["changed_fields"]))
    assert event["previous_data"] == {k: current.get(k) for k in changed}
    assert event["data"] == updated == world.api.ok("GET", url)
    assert event["lead_id"] == _lead_id(spec, updated)


@pytest.mark.parametrize("spec", logged_with_verbs("get", "update"))
def test_update_that_changes_nothing_records_nothing(world: World, spec: ResourceSpec) -> None:
    obj = make(world, spec)
    url = f"{spec.path}/{obj['id']}/"
    current = world.api.ok("GET", url)
    before = all_events(world.api)
    assert world.api.ok("PUT", url, json={}) == current
    factory = factory_for(spec)
    assert factory.update is not None
    same = {k: current[k] for k in factory.update(world, current) if k in current}
    assert world.api.ok("PUT", url, json=same) == current
    assert _new_events(world, before) == []


@pytest.mark.parametrize("spec", logged_with_verbs("get", "delete"))
def test_delete_records_one_deleted_event_with_the_last_state(world: World, spec: ResourceSpec) -> None:
    obj = make(world, spec)
    url = f"{spec.path}/{obj['id']}/"
    current = world.api.ok("GET", url)
    before = all_events(world.api)
    response = world.api.delete(url)
    assert response.status_code == spec.delete_status
    if spec.delete_status == 200:
        assert response.json() == {}
    events = _new_events(world, before)
    _check_envelope(world, spec, events, "DELETE", f"/api/v1/{url}")
    event = _only_event_about(events, obj["id"])
    assert event["object_type"] == spec.object_type
    assert event["action"] == "deleted"
    assert event["changed_fields"] == []
    assert event["data"] is None
    assert event["previous_data"] == current
    assert event["lead_id"] == _lead_id(spec, current)
    assert world.api.get(url).status_code == 404


@pytest.mark.parametrize("spec", logged_with_verbs("create"))
def test_events_of_an_object_are_found_by_object_id(world: World, spec: ResourceSpec) -> None:
    created = make(world, spec)
    events = world.api.events(object_id=created["id"])
    assert [e["action"] for e in events] == ["created"]
    one = world.api.ok("GET", f"event/{events[0]['id']}/")
    assert one == events[0]
