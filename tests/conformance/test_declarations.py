"""Every resource declares its fields, and what the API shows is exactly what it declares.

The declaration drives validation, filters, sorts and the served OpenAPI schemas; this
keeps it honest for the resources whose services still render by hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from leadbase.db.fields import BOOL, DATETIME, INT, Field, Structured
from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import World, make
from tests.conformance.specs import ALL


def _json_type(f: Field) -> type | tuple[type, ...]:
    if f.type is BOOL:
        return bool
    if f.type is INT:
        return int
    if isinstance(f.type, Structured):
        kind = f.type.json_schema.get("type")
        return list if kind == "array" else dict
    return str


def _check(spec: ResourceSpec, obj: dict[str, Any]) -> None:
    if spec.family is not None:
        # A family's list shows each object as its own type declares it.
        _check(spec.members()[obj["_type"]], obj)
        return
    assert spec.fields is not None
    shown = {f.name: f for f in spec.fields.shown()}
    plain = {k for k in obj if not k.startswith("custom.")}
    assert plain == set(shown), (
        f"declared but not shown: {set(shown) - plain}; shown, undeclared: {plain - set(shown)}"
    )
    if not spec.fields.custom:
        assert plain == set(obj)
    for name, f in shown.items():
        value = obj[name]
        if value is None:
            assert f.nullable, f"{name} is null but not declared nullable"
            continue
        assert isinstance(value, _json_type(f)), (name, value)
        if f.type is DATETIME:
            datetime.fromisoformat(value)


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.path) for s in ALL])
def test_every_resource_declares_its_fields(spec: ResourceSpec) -> None:
    assert spec.fields is not None
    names = [f.name for f in spec.fields]
    assert len(names) == len(set(names))
    for name, filter_spec in spec.filters.items():
        assert name in spec.fields.by_name, f"filter {name} is not a declared field"
        assert filter_spec.operators
    for name in spec.orderings:
        if name != "position":  # lead statuses sort by their stored order, which is not shown
            assert name in spec.fields.by_name, f"ordering {name} is not a declared field"


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.path) for s in ALL])
def test_an_object_shows_exactly_its_declared_fields(world: World, spec: ResourceSpec) -> None:
    obj = make(world, spec)
    if "get" in spec.verbs:
        obj = world.api.ok("GET", f"{spec.path}/{obj['id']}/")
    _check(spec, obj)
