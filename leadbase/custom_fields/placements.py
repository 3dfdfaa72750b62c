"""Associations: which fields apply to which kind of object, in which order, with which settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from leadbase.core.errors import Invalid
from leadbase.core.names import name_key
from leadbase.custom_fields.definitions import Placement, definitions_changed, org_definitions
from leadbase.custom_fields.indexes import sync_field_indexes
from leadbase.db.associations import Associations
from leadbase.db.context import Context
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require


def require_admin(ctx: Context) -> None:
    """Only roles with `manage_customizations` manage the custom data model (fields, types,
    associations, field order): Admin and Superuser among the built-in roles."""
    require(ctx, MANAGE_CUSTOMIZATIONS, "Your role may not manage custom fields and custom types.")


def name_taken(ctx: Context, name: str, placements: Sequence[Placement], own_id: str | None = None) -> bool:
    """Another field with this name (by core.names.name_key) already applies to one of the placements.

    Names must be unique per object kind: the deprecated name-keyed `custom` syntax
    addresses fields by name. The association's unique (placement, name_key) index holds
    this against concurrent requests.
    """
    definitions = org_definitions(ctx)
    key = name_key(name)
    for placement in placements:
        for other in definitions.for_placement(placement):
            if other.id != own_id and name_key(other.name) == key:
                return True
    return False


def shared_name_taken(ctx: Context, name: str, own_id: str | None = None) -> bool:
    """Another shared field has this name (unique index uq_custom_field_shared_name_key)."""
    key = name_key(name)
    return any(
        r["kind"] == "shared" and r["id"] != own_id and r["name_key"] == key
        for r in org_definitions(ctx).rows.values()
    )


def rekey_associations(ctx: Context, field_id: str, key: str) -> None:
    """A renamed field's name key, on each of its associations (their unique index covers it)."""
    Associations(ctx).change(field_id, {"name_key": key})


def add_association(
    ctx: Context,
    field_id: str,
    placement: Placement,
    *,
    key: str,
    required: bool,
    editable_with_roles: list[str],
) -> None:
    """Apply a field (whose name has the name_key `key`) to a placement, last in its display order."""
    Associations(ctx).add(
        field_id,
        placement.object_type,
        placement.type_id,
        name_key=key,
        required=required,
        editable_with_roles=editable_with_roles,
    )
    definitions_changed(ctx)
    sync_field_indexes(ctx, field_id)


def change_association(ctx: Context, field_id: str, placement: Placement, values: dict[str, Any]) -> None:
    if not values:
        return
    Associations(ctx).change(field_id, values, placement.object_type, placement.type_id)
    definitions_changed(ctx)


def remove_associations(ctx: Context, field_id: str, placement: Placement | None = None) -> None:
    """Remove one association of a field, or all of them."""
    if placement is None:
        Associations(ctx).remove(field_id)
    else:
        Associations(ctx).remove(field_id, placement.object_type, placement.type_id)
    definitions_changed(ctx)
    sync_field_indexes(ctx, field_id)


def reorder(ctx: Context, placement: Placement, entries: Any, key: str = "fields") -> bool:
    """Put the fields of a placement in the order of `entries` ([{"id": ...}, ...]).

    Fields left out follow, in their previous order. Ids that are not fields of the
    placement, or that repeat, are a 400: the order can only rearrange the fields there.
    Returns whether anything moved.
    """
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("id"), str) for e in entries
    ):
        raise Invalid({key: 'Expected a list of objects with an "id".'})
    current = [d.id for d in org_definitions(ctx).for_placement(placement)]
    wanted = [e["id"] for e in entries]
    unknown = [i for i in wanted if i not in current]
    if unknown:
        raise Invalid({key: f"Not a field of this object: {', '.join(str(i) for i in unknown)}."})
    if len(set(wanted)) != len(wanted):
        raise Invalid({key: "Each field may appear only once."})
    order = wanted + [i for i in current if i not in wanted]
    if order == current:
        return False
    Associations(ctx).set_order(placement.object_type, placement.type_id, order)
    definitions_changed(ctx)
    return True
