"""Custom field definitions of every kind: create, change (with value conversion), delete.

Every write bumps the organization's definitions version (so every process reloads them),
records its `custom_fields.<kind>` event, and an `updated` event for each custom type whose
`fields` or `back_reference_fields` it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.core.names import name_key
from leadbase.custom_fields.definitions import (
    FieldDefinition,
    definition_of,
    definitions_changed,
    org_definitions,
)
from leadbase.custom_fields.deletion import placements_of
from leadbase.custom_fields.indexes import sync_field_indexes
from leadbase.custom_fields.kinds import KIND_BY_EVENT, MULTI_VALUE_TYPES, FieldKind
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.custom_fields.placements import (
    add_association,
    change_association,
    name_taken,
    rekey_associations,
    remove_associations,
    require_admin,
    shared_name_taken,
)
from leadbase.custom_fields.render import render_field
from leadbase.custom_fields.rewrite import ValueRewrite, remove_values
from leadbase.custom_fields.types import WriteEnv, field_type
from leadbase.custom_fields.watch import watch_types
from leadbase.db.context import Context
from leadbase.db.integrity import violations_as
from leadbase.db.models import custom_activity_type, custom_object_type
from leadbase.db.repository import Row
from leadbase.db.service import Service, require_object
from leadbase.resources.common import MISSING
from leadbase.resources.custom_field.clean import (
    FIELD_DESCRIPTION_LENGTH,
    clean_bool,
    clean_choices,
    clean_description,
    clean_name,
    clean_roles,
)

TYPE_TABLES = {"custom_activity_type_id": custom_activity_type, "custom_object_type_id": custom_object_type}
# Changing a field to or from these types would need each value re-checked against its
# object's lead (and a new referenced type), which a conversion cannot know.
INCONVERTIBLE_TYPES = frozenset({"contact", "custom_object"})
NAME_TAKEN = "A custom field with this name already exists here."


def name_is_taken() -> Invalid:
    return Invalid.field("name", NAME_TAKEN)


# A name taken by a concurrent request, per placement or among shared fields.
NAME_VIOLATIONS = {
    "uq_custom_field_association_placement_name_key": name_is_taken,
    "uq_custom_field_shared_name_key": name_is_taken,
}


def type_exists(ctx: Context, key: str, type_id: Any) -> bool:
    table = TYPE_TABLES[key]
    if not isinstance(type_id, str):
        return False
    found = ctx.conn.execute(
        select(table.c.id).where(table.c.organization_id == ctx.organization_id, table.c.id == type_id)
    ).first()
    return found is not None


def converter(old: FieldDefinition, new: FieldDefinition, env: WriteEnv) -> Callable[[Any], Any]:
    """Old stored value -> the value under the changed definition (None drops it).

    A new type converts each element (number 5 -> text "5", text "7" -> number 7, what does
    not convert is dropped); the same type drops elements it no longer accepts (removed
    choices); a field that stops accepting multiple values keeps the first.
    """
    new_type = field_type(new.type)
    type_changed = old.type != new.type

    def transform(stored: Any) -> Any:
        elements = stored if isinstance(stored, list) else [stored]
        kept: list[Any] = []
        for element in elements:
            if element is None:
                continue
            value = new_type.convert(new, element, env) if type_changed else new_type.read(new, element)
            if value is not None and value not in kept:
                kept.append(value)
        if not kept:
            return None
        return kept if new.accepts_multiple_values else kept[0]

    return transform


class CustomFieldService(Service):
    violations = NAME_VIOLATIONS

    @property
    def kind(self) -> FieldKind:
        assert self.spec.object_type is not None
        return KIND_BY_EVENT[self.spec.object_type]

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        definitions = org_definitions(self.ctx)
        return [render_field(r, definitions) for r in rows]

    # ---- create --------------------------------------------------------------------------

    # Association settings (required, editable_with_roles) cleaned with the body, written after
    # the row: they live on the field's association, not on its row.
    _settings: dict[str, Any] | None = None
    # The objects holding values, read under the old definition when an update changes them.
    _rewrite: ValueRewrite | None = None

    def authorize(self, action: str, row: Row | None) -> None:
        require_admin(self.ctx)

    def watch(self, action: str, row: Row | None) -> None:
        # Types show their fields: the unit records those a field write changes.
        watch_types(self.ctx)

    def validate_create(self, body: dict[str, Any]) -> Row:
        values, self._settings = self._clean_create(require_object(body))
        return values

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        if self.kind.shared:
            definitions_changed(self.ctx)
        else:
            placement = self.kind.placement(row.get(self.kind.type_key or ""))
            with violations_as(self.violations):
                add_association(self.ctx, row["id"], placement, key=row["name_key"], **(self._settings or {}))

    def _clean_create(self, body: dict[str, Any]) -> tuple[Row, dict[str, Any]]:
        kind = self.kind
        errors = FieldErrors()
        name = clean_name(body, "name", errors, required=True)
        type_name = body.get("type")
        if type_name is None:
            errors.add("type", "This field is required.")
        elif not isinstance(type_name, str) or type_name not in kind.types:
            errors.add("type", f"Not a valid choice. Use one of: {', '.join(sorted(kind.types))}.")
        description = clean_description(body, errors, max_length=FIELD_DESCRIPTION_LENGTH)
        multiple = clean_bool(body, "accepts_multiple_values", errors)
        if multiple is True and type_name in kind.types and type_name not in MULTI_VALUE_TYPES:
            errors.add("accepts_multiple_values", "Only choices, user, contact and custom_object fields do.")
        roles = clean_roles(body, "editable_with_roles", errors, self.ctx)
        required = clean_bool(body, "required", errors) if kind.has_required else MISSING
        values: Row = {
            "kind": kind.name,
            "name": name,
            "name_key": name_key(name) if isinstance(name, str) else "",
            "description": None if description is MISSING else description,
            "type": type_name,
            "choices": None,
            "accepts_multiple_values": multiple is True,
            "referenced_custom_type_id": None,
            "back_reference_is_visible": None,
        }
        if kind.type_key is not None:
            type_id = body.get(kind.type_key)
            if type_id is None:
                errors.add(kind.type_key, "This field is required.")
            elif not type_exists(self.ctx, kind.type_key, type_id):
                errors.add(kind.type_key, "Object does not exist.")
            values[kind.type_key] = type_id
        if type_name == "choices":
            values["choices"] = clean_choices(body.get("choices"), errors)
        self._clean_reference(body, type_name, values, errors)
        errors.raise_if_any()
        if kind.shared:
            taken = shared_name_taken(self.ctx, str(name))
        else:
            taken = name_taken(self.ctx, str(name), [kind.placement(values.get(kind.type_key or ""))])
        if taken:
            raise name_is_taken()
        settings = {
            "required": required is True,
            "editable_with_roles": [] if roles is MISSING else roles,
        }
        return values, settings

    def _clean_reference(
        self, body: dict[str, Any], type_name: Any, values: Row, errors: FieldErrors
    ) -> None:
        reference = body.get("referenced_custom_type_id")
        if type_name != "custom_object":
            if reference is not None:
                errors.add(
                    "referenced_custom_type_id", "Only custom_object fields reference a custom object type."
                )
            return
        if reference is None:
            errors.add("referenced_custom_type_id", "This field is required for custom_object fields.")
        elif not type_exists(self.ctx, "custom_object_type_id", reference):
            errors.add("referenced_custom_type_id", "Object does not exist.")
        values["referenced_custom_type_id"] = reference
        visible = clean_bool(body, "back_reference_is_visible", errors)
        values["back_reference_is_visible"] = True if visible is MISSING else visible

    # ---- update --------------------------------------------------------------------------

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values, settings = self._clean_update(row, require_object(body))
        values = {k: v for k, v in values.items() if row.get(k) != v}
        own = org_definitions(self.ctx).associations_of(row["id"])
        if own and not self.kind.shared:
            current = {"required": own[0].required, "editable_with_roles": list(own[0].editable_with_roles)}
            self._settings = {k: v for k, v in settings.items() if current[k] != v}
        if self._values_change(row, values):
            # Read the objects holding values while the old definition still renders them.
            self._rewrite = ValueRewrite(self.ctx, {row["id"]: placements_of(self.ctx, row["id"])})
        return values

    def update_outside(self, row: Row, body: dict[str, Any]) -> bool:
        if not self._settings:
            return False
        own = org_definitions(self.ctx).associations_of(row["id"])
        change_association(self.ctx, row["id"], own[0].placement, self._settings)
        return True

    def after_update(self, before: Row, after: Row) -> None:
        if after.get("name_key") != before.get("name_key"):
            with violations_as(self.violations):
                rekey_associations(self.ctx, after["id"], after["name_key"])
        definitions_changed(self.ctx)
        # A new type or cardinality indexes another expression (one catalog query otherwise).
        sync_field_indexes(self.ctx, after["id"])
        if self._rewrite is not None:
            env = WriteEnv(lookups=DatabaseLookups(self.ctx))
            convert = converter(definition_of(before, None), definition_of(after, None), env)
            self._rewrite.apply(lambda _field_id, stored: convert(stored))

    @staticmethod
    def _values_change(row: Row, values: Row) -> bool:
        if "type" in values or "accepts_multiple_values" in values:
            return True
        if "choices" in values and row["choices"]:
            return bool(set(row["choices"]) - set(values["choices"] or []))
        return False

    def _clean_update(self, row: Row, body: dict[str, Any]) -> tuple[Row, dict[str, Any]]:
        kind = self.kind
        errors = FieldErrors()
        values: Row = {}
        name = clean_name(body, "name", errors, required=False)
        if name is not MISSING:
            values["name"] = name
            values["name_key"] = name_key(name) if isinstance(name, str) else ""
        description = clean_description(body, errors, max_length=FIELD_DESCRIPTION_LENGTH)
        if description is not MISSING:
            values["description"] = description
        new_type = self._clean_type_change(row, body, errors)
        if new_type != row["type"]:
            values["type"] = new_type
        for key in ("custom_activity_type_id", "custom_object_type_id", "referenced_custom_type_id"):
            if key in body and body[key] != row[key]:
                errors.add(key, "This cannot be changed.")
        if new_type == "choices":
            if "choices" in body:
                choices = clean_choices(body["choices"], errors)
                if choices is not None:
                    values["choices"] = choices
            elif not row["choices"]:
                errors.add("choices", "A choices field needs a non-empty list of choices.")
        elif row["choices"] is not None:
            values["choices"] = None
        multiple = clean_bool(body, "accepts_multiple_values", errors)
        if multiple is True and new_type not in MULTI_VALUE_TYPES:
            errors.add("accepts_multiple_values", "Only choices, user, contact and custom_object fields do.")
        elif multiple is not MISSING:
            values["accepts_multiple_values"] = multiple
        elif new_type not in MULTI_VALUE_TYPES and row["accepts_multiple_values"]:
            values["accepts_multiple_values"] = False
        if new_type == "custom_object":
            visible = clean_bool(body, "back_reference_is_visible", errors)
            if visible is not MISSING:
                values["back_reference_is_visible"] = visible
        settings: dict[str, Any] = {}
        if not kind.shared:
            roles = clean_roles(body, "editable_with_roles", errors, self.ctx)
            if roles is not MISSING:
                settings["editable_with_roles"] = roles
            if kind.has_required:
                required = clean_bool(body, "required", errors)
                if required is not MISSING:
                    settings["required"] = required
        errors.raise_if_any()
        if "name" in values and (
            name_taken(self.ctx, str(name), placements_of(self.ctx, row["id"]), row["id"])
            or (kind.shared and shared_name_taken(self.ctx, str(name), row["id"]))
        ):
            raise name_is_taken()
        return values, settings

    def _clean_type_change(self, row: Row, body: dict[str, Any], errors: FieldErrors) -> str:
        old: str = row["type"]
        wanted = body.get("type", old)
        if wanted == old or wanted is None:
            return old
        if not self.kind.type_changeable:
            errors.add("type", "The type of this field cannot be changed.")
        elif not isinstance(wanted, str) or wanted not in self.kind.types:
            errors.add("type", f"Not a valid choice. Use one of: {', '.join(sorted(self.kind.types))}.")
        elif {old, wanted} & INCONVERTIBLE_TYPES:
            errors.add("type", "A field cannot be converted to or from the contact or custom_object type.")
        else:
            return str(wanted)
        return old

    # ---- delete --------------------------------------------------------------------------

    def delete_dependants(self, row: Row) -> None:
        # Its values go first (each object with its event), then where it applied.
        remove_values(self.ctx, row["id"], placements_of(self.ctx, row["id"]))
        remove_associations(self.ctx, row["id"])

    def after_delete(self, row: Row) -> None:
        definitions_changed(self.ctx)
