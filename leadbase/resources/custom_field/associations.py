"""Shared field associations: attach a shared field to a kind of object, tune it, detach it.

The association endpoints answer with the association object, not the whole field; each
change is recorded as an `updated` event of the shared field (its `associations` changed).
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors, Invalid, NotFound
from leadbase.custom_fields.definitions import (
    OBJECT_TYPES,
    TYPED_OBJECT_TYPES,
    Association,
    Placement,
    org_definitions,
)
from leadbase.custom_fields.deletion import field_spec
from leadbase.custom_fields.placements import (
    add_association,
    change_association,
    name_taken,
    remove_associations,
    require_admin,
)
from leadbase.custom_fields.render import TYPE_ID_KEYS, render_association
from leadbase.custom_fields.rewrite import remove_values
from leadbase.custom_fields.watch import watching_types
from leadbase.db.context import Context
from leadbase.db.integrity import violations_as
from leadbase.db.repository import Row
from leadbase.db.service import Service, require_object
from leadbase.resources.common import MISSING
from leadbase.resources.custom_field.clean import clean_bool, clean_roles
from leadbase.resources.custom_field.service import type_exists

NOT_ASSOCIATED = "Empty query: SharedCustomFieldAssociation matching query does not exist."


def name_taken_there() -> Invalid:
    return Invalid.field("object_type", "A custom field with the same name already exists there.")


# Another field of that name applied there by a concurrent request.
NAME_TAKEN_THERE = {"uq_custom_field_association_placement_name_key": name_taken_there}


def placement_from_path(text: str) -> Placement:
    """`lead`, `contact`, `opportunity`, `custom_activity_type/<id>` or `custom_object_type/<id>`."""
    object_type, _, type_id = text.strip("/").partition("/")
    if (
        object_type not in OBJECT_TYPES
        or (object_type in TYPED_OBJECT_TYPES) != bool(type_id)
        or "/" in type_id
    ):
        raise NotFound(NOT_ASSOCIATED)
    return Placement(object_type, type_id)


class SharedFieldAssociations:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        spec = field_spec("shared")
        self.fields: Service = spec.service(ctx, spec)

    def _existing(self, field_id: str, path: str) -> tuple[Row, Association]:
        # Locked: the field's event (its associations) is computed from this version.
        row = self.fields.get(field_id, lock=True)
        placement = placement_from_path(path)
        association = org_definitions(self.ctx).association(field_id, placement)
        if association is None:
            raise NotFound(NOT_ASSOCIATED)
        return row, association

    def get(self, field_id: str, path: str) -> dict[str, Any]:
        return render_association(self._existing(field_id, path)[1])

    def create(self, field_id: str, body: Any) -> dict[str, Any]:
        require_admin(self.ctx)
        # Locked: the field's event (its associations) is computed from this version.
        row = self.fields.get(field_id, lock=True)
        body = require_object(body)
        errors = FieldErrors()
        object_type = body.get("object_type")
        type_id = ""
        if object_type is None:
            errors.add("object_type", "This field is required.")
        elif object_type not in OBJECT_TYPES:
            errors.add("object_type", f"Not a valid choice. Use one of: {', '.join(OBJECT_TYPES)}.")
        elif object_type in TYPED_OBJECT_TYPES:
            key = TYPE_ID_KEYS[object_type]
            type_id = body.get(key)
            if type_id is None:
                errors.add(key, "This field is required.")
            elif not type_exists(self.ctx, key, type_id):
                errors.add(key, "Object does not exist.")
        required = clean_bool(body, "required", errors)
        if required is True and object_type not in TYPED_OBJECT_TYPES:
            errors.add(
                "required", "Only custom activity type and custom object type associations can be required."
            )
        roles = clean_roles(body, "editable_with_roles", errors, self.ctx)
        errors.raise_if_any()
        placement = Placement(str(object_type), str(type_id))
        if org_definitions(self.ctx).association(field_id, placement) is not None:
            raise Invalid.field("object_type", "The field is already associated with this object type.")
        if name_taken(self.ctx, row["name"], [placement], field_id):
            raise name_taken_there()
        with watching_types(self.ctx), violations_as(NAME_TAKEN_THERE):
            self.ctx.unit.touch(self.fields.spec, row)
            add_association(
                self.ctx,
                field_id,
                placement,
                key=row["name_key"],
                required=required is True,
                editable_with_roles=[] if roles is MISSING else roles,
            )
        association = org_definitions(self.ctx).association(field_id, placement)
        assert association is not None
        return render_association(association)

    def update(self, field_id: str, path: str, body: Any) -> dict[str, Any]:
        require_admin(self.ctx)
        row, association = self._existing(field_id, path)
        body = require_object(body)
        errors = FieldErrors()
        changes: dict[str, Any] = {}
        required = clean_bool(body, "required", errors)
        if required is not MISSING:
            if required and association.placement.object_type not in TYPED_OBJECT_TYPES:
                errors.add(
                    "required",
                    "Only custom activity type and custom object type associations can be required.",
                )
            elif required != association.required:
                changes["required"] = required
        roles = clean_roles(body, "editable_with_roles", errors, self.ctx)
        if roles is not MISSING and tuple(roles) != association.editable_with_roles:
            changes["editable_with_roles"] = roles
        errors.raise_if_any()
        if changes:
            with watching_types(self.ctx):
                self.ctx.unit.touch(self.fields.spec, row)
                change_association(self.ctx, field_id, association.placement, changes)
        return self.get(field_id, path)

    def delete(self, field_id: str, path: str) -> None:
        """Detach the field: its values on that kind of object are deleted (with events)."""
        require_admin(self.ctx)
        row, association = self._existing(field_id, path)
        with watching_types(self.ctx):
            self.ctx.unit.touch(self.fields.spec, row)
            remove_values(self.ctx, field_id, [association.placement])
            remove_associations(self.ctx, field_id, association.placement)
