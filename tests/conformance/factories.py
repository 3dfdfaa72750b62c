"""How to make a valid object of every registered resource: the one table the conformance
tests read. A resource with list or create verbs that is missing here fails
test_every_listable_or_creatable_resource_has_a_factory, so add its entry with the resource.

`body(world, n)` is the POST body of the n-th object (objects made for one test must differ
in every declared filter, so that each filter has something to exclude). Resources that are
not created through their own collection give `make(world, n)` instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from leadbase.db.resource import ResourceSpec
from tests.support import Api

Obj = dict[str, Any]


@dataclass
class World:
    """One organization seen through its admin's API key."""

    api: Api
    make_api: Callable[..., Api]

    def organization_name(self) -> str:
        name: str = self.api.ok("GET", f"organization/{self.api.org.organization_id}/")["name"]
        return name

    def member(self, role: str = "user") -> Api:
        """A client for a new user of this same organization."""
        return self.make_api(organization_name=self.organization_name(), role=role)

    def statuses(self) -> list[Obj]:
        data: list[Obj] = self.api.ok("GET", "status/lead/")["data"]
        return data


@dataclass(frozen=True)
class Factory:
    body: Callable[[World, int], Obj] | None = None
    make: Callable[[World, int], Obj] | None = None
    # A PUT body that changes something about `obj`.
    update: Callable[[World, Obj], Obj] | None = None
    # A create (update) body that is invalid, and the key it must produce in field-errors.
    invalid_create: tuple[Obj, str] | None = None
    invalid_update: tuple[Obj, str] | None = None
    # How to read a filter's value off an object, when it is not the key of the same name.
    filter_values: dict[str, Callable[[Obj], Any]] = field(default_factory=dict)

    def value_for(self, filter_name: str, obj: Obj) -> Any:
        reader = self.filter_values.get(filter_name)
        if reader is not None:
            return reader(obj)
        assert filter_name in obj, f"add filter_values[{filter_name!r}] to the factory"
        return obj[filter_name]


def _lead_body(world: World, n: int) -> Obj:
    statuses = world.statuses()
    return {
        "name": f"Lead {n}",
        "status_id": statuses[n % len(statuses)]["id"],
        "url": f"https://lead{n}.example",
        "description": f"Lead number {n}",
        "addresses": [{"label": "business", "address_1": f"{n} Main St", "city": "Austin", "country": "US"}],
    }


def _contact_body(world: World, n: int) -> Obj:
    lead = world.api.ok("POST", "lead/", json={"name": f"Lead of contact {n}"})
    return {
        "lead_id": lead["id"],
        "name": f"Contact {n}",
        "title": "CTO",
        "emails": [{"email": f"contact{n}@example.com", "type": "office"}],
        "phones": [{"phone": f"+1 415 555 {n:04d}", "type": "mobile"}],
        "urls": [{"url": f"https://contact{n}.example", "type": "url"}],
    }


def _make_user(world: World, _n: int) -> Obj:
    member = world.member()
    user: Obj = world.api.ok("GET", f"user/{member.org.user_id}/")
    return user


def _make_organization(world: World, _n: int) -> Obj:
    organization: Obj = world.api.ok("GET", f"organization/{world.api.org.organization_id}/")
    return organization


def _make_event(world: World, n: int) -> Obj:
    lead = world.api.ok("POST", "lead/", json={"name": f"Event source {n}"})
    (created,) = world.api.events(object_id=lead["id"])
    return created


FACTORIES: dict[str, Factory] = {
    "lead": Factory(
        body=_lead_body,
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "description": "changed"},
        invalid_create=({"name": "Bad status", "status": "No Such Status"}, "status"),
        invalid_update=({"status_id": "stat_doesnotexist"}, "status"),
    ),
    "contact": Factory(
        body=_contact_body,
        update=lambda _w, obj: {"title": "CEO", "name": f"{obj['name']} renamed"},
        invalid_create=({"lead_id": "lead_doesnotexist", "name": "Nobody"}, "lead"),
        invalid_update=({"emails": [{"email": "not an email address"}]}, "emails"),
    ),
    "status/lead": Factory(
        body=lambda _w, n: {"label": f"Status {n}"},
        update=lambda _w, obj: {"label": f"{obj['label']} renamed"},
        invalid_create=({"label": ""}, "label"),
        # Every organization starts with a "Potential" status: labels are unique.
        invalid_update=({"label": "Potential"}, "label"),
    ),
    "user": Factory(make=_make_user),
    "organization": Factory(
        make=_make_organization,
        update=lambda _w, _obj: {"name": f"Renamed {uuid.uuid4().hex[:12]}"},
        invalid_update=({"currency": "dollars"}, "currency"),
    ),
    "event": Factory(make=_make_event),
}


def factory_for(spec: ResourceSpec) -> Factory:
    factory = FACTORIES.get(spec.path)
    if factory is None:
        pytest.fail(f"no factory for the resource {spec.path!r}: add one to tests/conformance/factories.py")
    return factory


def make(world: World, spec: ResourceSpec, n: int = 0) -> Obj:
    """Create the n-th object of `spec` in `world`; its public representation."""
    factory = factory_for(spec)
    if factory.body is not None:
        created: Obj = world.api.ok(
            "POST", f"{spec.path}/", expected=spec.create_status, json=factory.body(world, n)
        )
        return created
    assert factory.make is not None, f"the factory of {spec.path!r} needs body or make"
    return factory.make(world, n)
