"""Custom field objects as Close shows them: per kind, in schemas, and inside type payloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.custom_fields.definitions import (
    ACTIVITY_TYPE,
    LEAD,
    OBJECT_TYPE,
    Association,
    OrgDefinitions,
    Placement,
    org_definitions,
)
from leadbase.custom_fields.deletion import field_spec
from leadbase.custom_fields.kinds import KINDS
from leadbase.db.context import Context
from leadbase.db.repository import Row

TYPE_ID_KEYS = {ACTIVITY_TYPE: "custom_activity_type_id", OBJECT_TYPE: "custom_object_type_id"}


def render_association(association: Association) -> dict[str, Any]:
    placement = association.placement
    out: dict[str, Any] = {"object_type": placement.object_type}
    if placement.object_type in TYPE_ID_KEYS:
        out[TYPE_ID_KEYS[placement.object_type]] = placement.type_id
    out["editable_with_roles"] = list(association.editable_with_roles)
    out["required"] = association.required
    return out


def association_path(placement: Placement) -> str:
    """The `{object_type}` of the association URLs: `lead`, `custom_object_type/<cotype_id>`..."""
    if placement.type_id:
        return f"{placement.object_type}/{placement.type_id}"
    return placement.object_type


def render_field(row: Row, definitions: OrgDefinitions) -> dict[str, Any]:
    """The full field object of the kind's own endpoint (/custom_field/<kind>/<id>/), as its
    resource declares it; what lives on the associations is computed from `definitions`."""
    fields = field_spec(row["kind"]).fields
    assert fields is not None
    return fields.render(row, _from_associations(definitions))


def _from_associations(definitions: OrgDefinitions) -> dict[str, Callable[[Row], Any]]:
    def own(row: Row) -> Association | None:
        associations = definitions.associations_of(row["id"])
        return associations[0] if associations else None

    def roles(row: Row) -> list[str]:
        association = own(row)
        return list(association.editable_with_roles) if association else []

    return {
        # A shared field's every association; a regular field's one, as its own settings.
        "associations": lambda row: [render_association(a) for a in definitions.associations_of(row["id"])],
        "editable_with_roles": roles,
        "required": lambda row: bool((association := own(row)) and association.required),
    }


def render_schema_field(row: Row, definitions: OrgDefinitions, placement: Placement) -> dict[str, Any]:
    """A field inside a schema: its full object, `is_shared`, and this object's settings."""
    out = render_field(row, definitions)
    out["is_shared"] = row["kind"] == "shared"
    association = definitions.association(row["id"], placement)
    if association is not None:
        out["editable_with_roles"] = list(association.editable_with_roles)
        if placement.type_id or out["is_shared"]:
            out["required"] = association.required
    return out


def render_compact(row: Row, association: Association | None) -> dict[str, Any]:
    """A field inside a custom type's `fields` or `back_reference_fields`."""
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "type": row["type"],
        "choices": list(row["choices"]) if row["choices"] is not None else None,
        "accepts_multiple_values": bool(row["accepts_multiple_values"]),
        "editable_with_roles": list(association.editable_with_roles) if association else [],
        "required": bool(association and association.required),
        "referenced_custom_type_id": row["referenced_custom_type_id"],
        "back_reference_is_visible": row["back_reference_is_visible"],
        "is_shared": row["kind"] == "shared",
        "converting_to_type": None,
    }


def render_back_reference(row: Row, definitions: OrgDefinitions) -> dict[str, Any]:
    """A field that points at a custom object type, with where it lives."""
    associations = definitions.associations_of(row["id"])
    out = render_compact(row, associations[0] if len(associations) == 1 else None)
    if row["kind"] == "shared":
        out["associations"] = [render_association(a) for a in associations]
    else:
        kind = KINDS[row["kind"]]
        out["object_type"] = kind.object_type
        if kind.type_key is not None:
            out[kind.type_key] = row[kind.type_key]
    return out


def lead_custom_fields(ctx: Context) -> list[dict[str, Any]]:
    """The organization's `lead_custom_fields`: every field on leads (shared ones too), in order."""
    definitions = org_definitions(ctx)
    placement = Placement(LEAD)
    return [
        render_schema_field(definitions.rows[d.id], definitions, placement)
        for d in definitions.for_placement(placement)
    ]
