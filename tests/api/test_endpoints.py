"""Storage and endpoint apart: a ResourceSpec says what is stored, an Endpoint how it is served."""

from __future__ import annotations

from dataclasses import fields

from leadbase.api.endpoint import Endpoint, endpoints
from leadbase.db.resource import ResourceSpec, resources
from leadbase.resources import load_all

load_all()
HTTP = {"verbs", "create_status", "delete_status", "default_limit", "max_limit", "total_results", "has_more"}


def test_the_storage_declaration_knows_nothing_of_http() -> None:
    assert not HTTP & {f.name for f in fields(ResourceSpec)}
    assert {f.name for f in fields(Endpoint)} >= HTTP


def test_every_resource_is_served_by_one_endpoint_of_its_own() -> None:
    served = {endpoint.path: endpoint for endpoint in endpoints}
    assert set(served) == set(resources.names())
    for spec in resources:
        assert served[spec.path].spec is spec
        # Storage facts read through to the spec.
        assert served[spec.path].model_name == spec.model_name


def test_relations_are_typed_handles() -> None:
    contact = resources.get("contact")
    assert contact.parent("lead_id") is resources.get("lead")
    assert [child.path for child, _ in resources.get("custom_object_type").children()] == ["custom_object"]
    assert resources.get("lead").embedded("contacts") is contact
