"""Bulk edit: a lead status, or a custom field set or cleared, on the selected leads or on
their contacts or opportunities.

The change is expressed once as the update body the object's own service takes (`status_id`,
`custom.<field id>`, `custom.<field id>.add`/`.remove`), so the value is checked by the field
type's class when the action is made, and every object is changed by its service (with its
event and its side effects: a status change records its activity).
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.values import custom_values
from leadbase.db.context import Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import resources
from leadbase.resources.bulk_action.runner import Applier, Progress, register_applier
from leadbase.resources.bulk_action.service import BulkActionService

SET_STATUS = "set_lead_status"
# The object whose custom field each type sets or clears (the leads' own, or their children's).
FIELD_TYPES: dict[str, tuple[str, str]] = {
    "set_custom_field": ("set", "lead"),
    "clear_custom_field": ("clear", "lead"),
    "set_contact_custom_field": ("set", "contact"),
    "clear_contact_custom_field": ("clear", "contact"),
    "set_opportunity_custom_field": ("set", "opportunity"),
    "clear_opportunity_custom_field": ("clear", "opportunity"),
}
# In Close's schema, with no documented meaning: refused, not guessed (docs/compatibility.md).
UNSUPPORTED = (
    "set_activity_custom_field",
    "clear_activity_custom_field",
    "set_custom_object_custom_field",
    "clear_custom_object_custom_field",
    "set_global_custom_field",
    "clear_global_custom_field",
)
OPERATIONS = ("replace", "add", "remove")
# The object kind -> the resource path its service lives at.
PATHS = {"lead": "lead", "contact": "contact", "opportunity": "opportunity"}


def update_body(action: Row) -> dict[str, Any]:
    """The PUT body that makes the edit on one object."""
    if action["type"] == SET_STATUS:
        return {"status_id": action["lead_status_id"]}
    mode, _ = FIELD_TYPES[action["type"]]
    key = f"custom.{action['custom_field_id']}"
    if mode == "clear":
        return {key: None}
    operation = action["custom_field_operation"] or "replace"
    if operation != "replace":
        key = f"{key}.{operation}"
    return {key: action["custom_field_value"]}


class BulkEditService(BulkActionService):
    KIND = "edit"
    PERMISSION = "bulk_edit"

    def clean_kind(self, body: dict[str, Any]) -> Row:
        edit_type = body.get("type")
        if edit_type == SET_STATUS:
            status = self.find_object("status/lead", body.get("lead_status_id"), "lead_status_id")
            return {"type": SET_STATUS, "lead_status_id": status["id"]}
        if edit_type in UNSUPPORTED:
            raise Invalid.field("type", f"leadbase does not support {edit_type} yet.")
        if edit_type not in FIELD_TYPES:
            choices = ", ".join([SET_STATUS, *FIELD_TYPES])
            raise Invalid.field("type", f"Not a valid choice: use one of {choices}.")
        mode, kind = FIELD_TYPES[edit_type]
        return self._field_values(edit_type, mode, kind, body)

    def _field_values(self, edit_type: str, mode: str, kind: str, body: dict[str, Any]) -> Row:
        values = custom_values(self.ctx, kind)
        field_id, name = body.get("custom_field_id"), body.get("custom_field_name")
        definition = None
        if isinstance(field_id, str):
            definition = values.by_id.get(field_id)
        elif isinstance(name, str):
            definition = values.by_name.get(name)
        if definition is None:
            key = "custom_field_id" if field_id is not None or name is None else "custom_field_name"
            raise Invalid.field(key, f"No custom field of {kind}s has this id or name.")
        operation = body.get("custom_field_operation", "replace")
        value = body.get("custom_field_values", body.get("custom_field_value"))
        errors = FieldErrors()
        if operation not in OPERATIONS:
            errors.add("custom_field_operation", "Not a valid choice: use replace, add or remove.")
        if mode == "set" and "custom_field_value" not in body and "custom_field_values" not in body:
            errors.add("custom_field_value", "This field is required.")
        if "custom_field_values" in body and not isinstance(body["custom_field_values"], list):
            errors.add("custom_field_values", "Must be a list of values.")
        errors.raise_if_any()
        action: Row = {
            "type": edit_type,
            "custom_field_id": definition.id,
            "custom_field_name": definition.name,
            "custom_field_value": value if mode == "set" else None,
            "custom_field_operation": operation if mode == "set" else None,
        }
        # The field type's own checks, on the value as every object will receive it.
        problems = FieldErrors()
        values.apply({}, update_body(action), problems)
        if problems:
            message = next(iter(problems.errors.values()))
            raise Invalid.field("custom_field_value", str(message))
        return action


def _kind(action: Row) -> str:
    return "lead" if action["type"] == SET_STATUS else FIELD_TYPES[action["type"]][1]


class EditApplier(Applier):
    def objects_are_leads(self, action: Row) -> bool:
        return _kind(action) == "lead"

    def apply(self, ctx: Context, action: Row, leads: list[Row]) -> Progress:
        body = update_body(action)
        kind = _kind(action)
        spec = resources.get(PATHS[kind])
        service = spec.service(ctx, spec)
        if kind == "lead":
            objects = leads
        else:
            # The leads' contacts (or opportunities): one query for the batch.
            objects = Repository(ctx).children(spec, "lead_id", [lead["id"] for lead in leads])
        # Their representations before the edit, rendered for the whole batch at once (the
        # unit would otherwise render each object alone as it changes).
        ctx.shown = None
        for row, before in zip(objects, service.render(objects), strict=True):
            ctx.unit.seen(spec, row, before)
        for row in objects:
            service.apply_update(row, body)
        return Progress(objects=len(objects), processed=len(objects))


register_applier("edit", EditApplier())
