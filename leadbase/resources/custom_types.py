"""What custom object types and custom activity types share: attributes, fields, and deletion.

A type's `fields` come from the cached field definitions (no query per type); deleting a
type deletes what depends on it, each with its event: its instances, its own fields, its
shared field associations, and, for custom object types, the fields elsewhere that
reference it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors, Forbidden, Invalid
from leadbase.custom_fields.definitions import Placement, org_definitions
from leadbase.db.context import Context
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, has
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.db.service import Service, require_object
from leadbase.resources.common import MISSING
from leadbase.resources.custom_field.clean import (
    TYPE_DESCRIPTION_LENGTH,
    clean_bool,
    clean_description,
    clean_name,
    clean_roles,
)
from leadbase.resources.custom_field.placements import remove_associations, reorder, require_admin
from leadbase.resources.custom_field.render import render_compact
from leadbase.resources.custom_field.service import delete_field
from leadbase.resources.custom_field.watch import watch_types

# How both kinds of custom types are served: Close lists every type at once ({"data": [...]},
# no paging), creates with 201 and deletes with 204.
TYPE_ENDPOINT: dict[str, Any] = {
    "has_more": False,
    "default_limit": 10_000,
    "max_limit": 10_000,
    "create_status": 201,
    "delete_status": 204,
}


def may_edit_instances(ctx: Context, type_row: Row) -> None:
    """A type's `editable_with_roles` restricts who may create, change and delete its instances.

    Roles that manage customizations always may (they can change the restriction itself).
    """
    roles = type_row.get("editable_with_roles") or []
    if roles and ctx.actor.role_id not in roles and not has(ctx, MANAGE_CUSTOMIZATIONS):
        raise Forbidden(f'Your role may not edit "{type_row["name"]}" objects: only {", ".join(roles)} may.')


class CustomTypeService(Service):
    # Association object_type of the type's fields, and the path of its instances' resource.
    placement_type: ClassVar[str]
    instances_path: ClassVar[str]
    instance_type_column: ClassVar[str]
    field_kind: ClassVar[str]
    has_plural: ClassVar[bool] = False
    # Custom activity types take a field order on update; custom object types do not.
    reorders_fields: ClassVar[bool] = False

    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        definitions = org_definitions(self.ctx)
        out = []
        for r in rows:
            placement = Placement(self.placement_type, r["id"])
            data: dict[str, Any] = {"id": r["id"], "name": r["name"]}
            if self.has_plural:
                data["name_plural"] = r["name_plural"]
            data.update(
                description=r["description"],
                api_create_only=bool(r["api_create_only"]),
                editable_with_roles=list(r["editable_with_roles"] or []),
                is_archived=bool(r["is_archived"]),
                fields=[
                    render_compact(definitions.rows[d.id], definitions.association(d.id, placement))
                    for d in definitions.for_placement(placement)
                ],
            )
            data.update(self.extra(r))
            data.update(
                organization_id=r["organization_id"],
                created_by=r["created_by"],
                updated_by=r["updated_by"],
                date_created=iso(r["date_created"]),
                date_updated=iso(r["date_updated"]),
            )
            out.append(data)
        return out

    def extra(self, row: Row) -> dict[str, Any]:
        return {}

    # ---- writing -------------------------------------------------------------------------

    def _clean(self, body: dict[str, Any], *, creating: bool) -> Row:
        require_admin(self.ctx)
        body = require_object(body)
        errors = FieldErrors()
        values: Row = {}
        names = ("name", "name_plural") if self.has_plural else ("name",)
        for key in names:
            value = clean_name(body, key, errors, required=creating)
            if value is not MISSING:
                values[key] = value
        description = clean_description(body, errors, max_length=TYPE_DESCRIPTION_LENGTH)
        if description is not MISSING:
            values["description"] = description
        for key in ("api_create_only", "is_archived"):
            flag = clean_bool(body, key, errors)
            if flag is not MISSING:
                values[key] = flag
        roles = clean_roles(body, "editable_with_roles", errors, self.ctx)
        if roles is not MISSING:
            values["editable_with_roles"] = roles
        errors.raise_if_any()
        return values

    def validate_create(self, body: dict[str, Any]) -> Row:
        # A body copied from another organization's type (`fields`, `id`...) is fine: only
        # the writable attributes are read.
        values = self._clean(body, creating=True)
        values.setdefault("description", None)
        values.setdefault("api_create_only", False)
        values.setdefault("is_archived", False)
        values.setdefault("editable_with_roles", [])
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        return self._clean(body, creating=False)

    def update_outside(self, row: Row, body: dict[str, Any]) -> bool:
        # Custom activity types take their fields' order on update; it lives on the associations.
        if self.reorders_fields and isinstance(body, dict) and "fields" in body:
            return reorder(self.ctx, Placement(self.placement_type, row["id"]), body["fields"])
        return False

    def authorize(self, action: str, row: Row | None) -> None:
        require_admin(self.ctx)

    def watch(self, action: str, row: Row | None) -> None:
        if action == "delete":
            watch_types(self.ctx)

    def delete_dependants(self, row: Row) -> None:
        # Its instances (declared children) are gone already; their fields follow.
        placement = Placement(self.placement_type, row["id"])
        definitions = org_definitions(self.ctx)
        for association in [a for a in definitions.associations if a.placement == placement]:
            field_row = definitions.rows[association.field_id]
            if field_row["kind"] == "shared":
                shared = resources.get("custom_field/shared")
                self.unit.touch(shared, field_row)
                remove_associations(self.ctx, field_row["id"], placement)
            else:
                # Its values lived on the instances, which are gone.
                delete_field(self.ctx, field_row, remove_stored_values=False)

    def instance_type(self, body: dict[str, Any], key: str, errors: FieldErrors) -> Row | None:
        """The (unarchived) type an instance body names, or None with an error."""
        type_id = body.get(key)
        if type_id is None:
            errors.add(key, "This field is required.")
            return None
        row = self.repo.find(self.spec, type_id) if isinstance(type_id, str) else None
        if row is None:
            errors.add(key, "Object does not exist.")
            return None
        if row["is_archived"]:
            errors.add(key, "This type is archived: no new instances can be created.")
            return None
        return row


def type_service(ctx: Context, path: str) -> CustomTypeService:
    """The service of a custom type resource (`custom_object_type` or `custom_activity`)."""
    spec = resources.get(path)
    service = spec.service(ctx, spec)
    assert isinstance(service, CustomTypeService)
    return service


def check_unchanged(body: dict[str, Any], row: Row, keys: tuple[str, ...]) -> None:
    """Keys an update may repeat but not change."""
    errors = {k: "This cannot be changed." for k in keys if k in body and body[k] != row[k]}
    if errors:
        raise Invalid(errors)
