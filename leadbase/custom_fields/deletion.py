"""A custom field's resource, and its deletion: what the custom field endpoints and the custom
types (which delete their fields with them) share."""

from __future__ import annotations

from leadbase.custom_fields.definitions import Placement, definitions_changed, org_definitions
from leadbase.custom_fields.kinds import KINDS
from leadbase.custom_fields.placements import remove_associations
from leadbase.custom_fields.rewrite import remove_values
from leadbase.db.context import Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import ResourceSpec, resources


def field_spec(kind_name: str) -> ResourceSpec:
    return resources.get(KINDS[kind_name].path)


def placements_of(ctx: Context, field_id: str) -> list[Placement]:
    return [a.placement for a in org_definitions(ctx).associations_of(field_id)]


def delete_field(ctx: Context, row: Row, *, remove_stored_values: bool = True) -> None:
    """Delete a field and its associations; its values go first, each object with an event.

    `remove_stored_values` is False when the objects holding them are being deleted anyway.
    """
    spec = field_spec(row["kind"])
    ctx.unit.changing(spec, row)
    if remove_stored_values:
        remove_values(ctx, row["id"], placements_of(ctx, row["id"]))
    remove_associations(ctx, row["id"])
    Repository(ctx).delete_row(spec, row)
    definitions_changed(ctx)
    ctx.unit.deleted(spec, row)
