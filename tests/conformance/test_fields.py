"""`_fields` on every object and list: plain names, `custom`, `_all`, unknown names omitted."""

from __future__ import annotations

from typing import Any

import pytest

from leadbase.db.resource import ResourceSpec
from leadbase.resources.lead.service import SMART_NAMES
from tests.conformance.factories import World, identity, list_params, make
from tests.conformance.specs import with_verbs

# Fields shown only when `_fields` names them or says `_all`.
SMART_FIELDS = {"lead": SMART_NAMES}


def _expected(full: dict[str, Any], names: set[str]) -> set[str]:
    custom = {k for k in full if k == "custom" or k.startswith("custom.")} if "custom" in names else set()
    return (set(full) & names) | custom


def _other_field(full: dict[str, Any]) -> str:
    """A plain field besides id, to show that more than one name is honoured."""
    return next(k for k in sorted(full) if k != "id" and not k.startswith("custom"))


@pytest.mark.parametrize("spec", with_verbs("get"))
def test_fields_on_one_object(world: World, spec: ResourceSpec) -> None:
    obj = make(world, spec)
    url = f"{spec.path}/{obj['id']}/"
    full = world.api.ok("GET", url)
    assert full["id"] == obj["id"]
    other = _other_field(full)
    for names in ({"id"}, {"id", other}, {"id", other, "no_such_field"}, {"custom", "id"}, {"no_such_field"}):
        got = world.api.ok("GET", url, params={"_fields": ",".join(sorted(names))})
        assert set(got) == _expected(full, names), names
        assert all(got[k] == full[k] for k in got)
    everything = world.api.ok("GET", url, params={"_fields": "_all"})
    # `_all` adds the smart fields a resource shows only when asked (a lead's num_calls...).
    assert {k: v for k, v in everything.items() if k in full} == full
    assert set(everything) - set(full) == set(SMART_FIELDS.get(spec.path, ()))
    assert world.api.ok("GET", url, params={"_fields": " id , " + other + " "}) == {
        "id": full["id"],
        other: full[other],
    }


@pytest.mark.parametrize("spec", with_verbs("list"))
def test_fields_on_a_list(world: World, spec: ResourceSpec) -> None:
    make(world, spec, 0)
    make(world, spec, 1)
    full = world.api.ok("GET", f"{spec.path}/", params=list_params(world, spec))
    assert len(full["data"]) >= 2
    other = _other_field(full["data"][0])
    key = identity(spec)
    names = {key, other, "custom", "no_such_field"}
    page = world.api.ok(
        "GET", f"{spec.path}/", params={"_fields": ",".join(sorted(names)), **list_params(world, spec)}
    )
    # The envelope is never projected, only the objects in it.
    assert set(page) == set(full)
    assert [o[key] for o in page["data"]] == [o[key] for o in full["data"]]
    for got, whole in zip(page["data"], full["data"], strict=True):
        assert set(got) == _expected(whole, names)


@pytest.mark.parametrize("spec", with_verbs("create"))
def test_fields_on_a_create_response(world: World, spec: ResourceSpec) -> None:
    from tests.conformance.factories import factory_for

    factory = factory_for(spec)
    assert factory.body is not None
    created = world.api.ok(
        "POST",
        f"{spec.path}/",
        expected=spec.create_status,
        params={"_fields": "id"},
        json=factory.body(world, 0),
    )
    assert set(created) == {"id"}
    world.api.ok("GET", f"{spec.path}/{created['id']}/")


@pytest.mark.parametrize("spec", with_verbs("get", "update"))
def test_fields_on_an_update_response(world: World, spec: ResourceSpec) -> None:
    from tests.conformance.factories import factory_for

    factory = factory_for(spec)
    assert factory.update is not None
    obj = make(world, spec)
    updated = world.api.ok(
        "PUT", f"{spec.path}/{obj['id']}/", params={"_fields": "id"}, json=factory.update(world, obj)
    )
    assert updated == {"id": obj["id"]}
