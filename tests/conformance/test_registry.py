"""Every registered resource is covered by the conformance tests."""

from __future__ import annotations

import pytest

from leadbase.db.resource import ResourceSpec
from tests.conformance.factories import FACTORIES
from tests.conformance.specs import ALL


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.path) for s in ALL if {"list", "create"} & s.verbs])
def test_every_listable_or_creatable_resource_has_a_factory(spec: ResourceSpec) -> None:
    factory = FACTORIES.get(spec.path)
    assert factory is not None, (
        f"{spec.path!r} is registered with verbs {sorted(spec.verbs)} but has no factory: "
        "add one to tests/conformance/factories.py"
    )
    if "create" in spec.verbs:
        assert factory.body is not None, f"{spec.path!r} can be created: give its factory a POST body"
    if "update" in spec.verbs:
        assert factory.update is not None, f"{spec.path!r} can be updated: give its factory an update"


def test_the_factory_table_names_only_registered_resources() -> None:
    registered = {spec.path for spec in ALL}
    assert set(FACTORIES) <= registered, set(FACTORIES) - registered


def test_the_foundation_resources_are_registered() -> None:
    registered = {spec.path for spec in ALL}
    assert {"lead", "contact", "status/lead", "event", "user", "organization"} <= registered
