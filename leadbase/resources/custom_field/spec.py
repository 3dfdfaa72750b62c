"""/custom_field/<kind>/ for the six kinds, and Close's legacy /custom_fields/<kind>/ paths."""

from typing import Any

from leadbase.api.endpoint import Endpoint, endpoints
from leadbase.custom_fields.kinds import KINDS
from leadbase.db.fields import BOOL, DATETIME, EQUAL, IDS, OBJECTS, TEXT, Field, Fields, shown
from leadbase.db.models import custom_field
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.custom_field.service import CustomFieldService


def _listed(value: Any) -> Any:
    return list(value) if value is not None else None


def _spec(kind_name: str, prefix: str) -> ResourceSpec:
    kind = KINDS[kind_name]
    declared: list[Field] = [
        shown("id", filter_operators=EQUAL),
        Field("name", TEXT, required=True, nullable=False, blank=False, sortable=True),
        Field("description", TEXT),
        Field("type", TEXT, required=True, nullable=False, description=", ".join(sorted(kind.types))),
        Field("choices", IDS, shows=_listed),
        Field("accepts_multiple_values", BOOL),
    ]
    if kind.shared:
        declared.append(shown("associations", OBJECTS, computed=True))
    else:
        # Kept on the field's one association: the service writes and shows it.
        declared.append(Field("editable_with_roles", IDS, computed=True))
    if kind.type_key is not None:
        # Filtering by it is not documented by Close, but a natural way to list one type's fields.
        declared.append(Field(kind.type_key, required=True, filter_operators=EQUAL))
        declared.append(Field("required", BOOL, computed=True))
    declared += [
        Field("referenced_custom_type_id", nullable=True),
        Field("back_reference_is_visible", BOOL, nullable=True),
        shown("organization_id"),
        shown("created_by", nullable=True),
        shown("updated_by", nullable=True),
        shown("date_created", DATETIME, sortable=True),
        shown("date_updated", DATETIME),
    ]
    return ResourceSpec(
        path=f"{prefix}/{kind.segment}",
        table=custom_field,
        id_prefix="cf",
        model_name=kind.model_name,
        service=CustomFieldService,
        object_type=kind.event_type,
        discriminator=("kind", kind.name),
        fields=Fields(tuple(declared)),
    )


def _endpoint(spec: ResourceSpec, kind_name: str) -> Endpoint:
    kind = KINDS[kind_name]
    return Endpoint(
        spec,
        summary_name=f"{kind.name.replace('_', ' ').title()} Custom Field",
        create_status=kind.create_status,
        delete_status=kind.delete_status,
        tag="custom_fields",
    )


SPECS = {name: register(_spec(name, "custom_field")) for name in KINDS}
ENDPOINTS = {name: endpoints.add(spec.path, _endpoint(spec, name)) for name, spec in SPECS.items()}
# Served by endpoints.py under /custom_fields/<kind>/ (kept out of the registries and the
# OpenAPI description: they are aliases, not resources of their own).
LEGACY_ENDPOINTS = {name: _endpoint(_spec(name, "custom_fields"), name) for name in KINDS}
