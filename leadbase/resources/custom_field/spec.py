"""/custom_field/<kind>/ for the six kinds, and Close's legacy /custom_fields/<kind>/ paths."""

from leadbase.db.models import custom_field
from leadbase.db.query import FilterSpec
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.custom_field.kinds import KINDS
from leadbase.resources.custom_field.service import CustomFieldService


def _spec(kind_name: str, prefix: str) -> ResourceSpec:
    kind = KINDS[kind_name]
    filters = {"id": FilterSpec("id", "id")}
    if kind.type_key is not None:
        # Not documented by Close, but a natural way to list one type's fields.
        filters[kind.type_key] = FilterSpec(kind.type_key, "id")
    return ResourceSpec(
        path=f"{prefix}/{kind.segment}",
        table=custom_field,
        id_prefix="cf",
        model_name=kind.model_name,
        summary_name=f"{kind.name.replace('_', ' ').title()} Custom Field",
        service=CustomFieldService,
        object_type=kind.event_type,
        discriminator=("kind", kind.name),
        filters=filters,
        orderings={"date_created": "date_created", "name": "name"},
        create_status=kind.create_status,
        delete_status=kind.delete_status,
        tag="custom_fields",
    )


SPECS = {name: register(_spec(name, "custom_field")) for name in KINDS}
# Served by endpoints.py under /custom_fields/<kind>/ (kept out of the registry and the
# OpenAPI description: they are aliases, not resources of their own).
LEGACY_SPECS = {name: _spec(name, "custom_fields") for name in KINDS}
