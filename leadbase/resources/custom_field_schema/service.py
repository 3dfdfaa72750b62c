"""Custom field schemas: every field that applies to one kind of object, in display order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadbase.core.errors import NotFound
from leadbase.custom_fields.definitions import (
    ACTIVITY_TYPE,
    CONTACT,
    LEAD,
    OBJECT_TYPE,
    OPPORTUNITY,
    Placement,
    org_definitions,
)
from leadbase.custom_fields.placements import reorder, require_admin
from leadbase.custom_fields.render import render_schema_field
from leadbase.custom_fields.watch import watching_types
from leadbase.db.context import Context
from leadbase.db.models import custom_activity_type, custom_object_type
from leadbase.db.service import require_object

LABELS = {LEAD: "Lead", CONTACT: "Contact", OPPORTUNITY: "Opportunity"}
# The schema URL names typed placements `activity/<id>` and `custom_object/<id>` (unlike the
# association URLs, which say custom_activity_type/ and custom_object_type/).
TYPED = {
    "activity": (ACTIVITY_TYPE, custom_activity_type),
    "custom_object": (OBJECT_TYPE, custom_object_type),
}
UNKNOWN = "Empty query: CustomFieldSchema matching query does not exist."


def resolve(ctx: Context, path: str) -> tuple[Placement, str]:
    """The placement a schema path names, and the schema's display name."""
    head, _, type_id = path.strip("/").partition("/")
    if head in LABELS and not type_id:
        return Placement(head), LABELS[head]
    if head in TYPED and type_id and "/" not in type_id:
        object_type, table = TYPED[head]
        name = ctx.conn.execute(
            select(table.c.name).where(table.c.organization_id == ctx.organization_id, table.c.id == type_id)
        ).scalar()
        if name is not None:
            return Placement(object_type, type_id), str(name)
    raise NotFound(UNKNOWN)


def schema(ctx: Context, path: str) -> dict[str, Any]:
    placement, name = resolve(ctx, path)
    definitions = org_definitions(ctx)
    return {
        "object_type": path.strip("/"),
        "name": name,
        "organization_id": ctx.organization_id,
        "fields": [
            render_schema_field(definitions.rows[d.id], definitions, placement)
            for d in definitions.for_placement(placement)
        ],
    }


def reorder_schema(ctx: Context, path: str, body: Any) -> dict[str, Any]:
    require_admin(ctx)
    placement, _ = resolve(ctx, path)
    body = require_object(body)
    with watching_types(ctx):
        reorder(ctx, placement, body.get("fields", []))
    return schema(ctx, path)
