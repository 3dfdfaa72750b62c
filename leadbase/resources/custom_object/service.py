"""Custom objects: instances of a custom object type, each on one lead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.rewrite import forget_reference
from leadbase.custom_fields.values import CustomValues, custom_values
from leadbase.db.fields import REQUIRED, Problem
from leadbase.db.filters import Filter, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.custom_types import (
    DOES_NOT_EXIST,
    CustomTypeService,
    check_unchanged,
    may_edit_instances,
    type_service,
    unchanged,
)


class CustomObjectService(Service):
    # The lead or the type deleted between this request's checks and its write.
    violations = {
        "fk_custom_object_lead_id_lead": lambda: Invalid.field("lead_id", "Object does not exist."),
        "fk_custom_object_custom_object_type_id_custom_object_type": lambda: Invalid.field(
            "custom_object_type_id", "Object does not exist."
        ),
    }

    def _types(self) -> CustomTypeService:
        return type_service(self.ctx, self.spec)

    def _values(self, type_id: str) -> CustomValues:
        return custom_values(self.ctx, "custom_object", type_id)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        return [
            {**fields.render(r), **self._values(r["custom_object_type_id"]).render(r["custom"] or {})}
            for r in rows
        ]

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        # Close lists one lead's objects at a time (lead_id is required, so it is not a
        # declared filter); across leads, Advanced Filtering finds them.
        lead_id = params.get("lead_id")
        if not lead_id:
            raise Invalid({"lead_id": "This field is required."})
        return Term("lead_id", "eq", lead_id)

    # ---- writing -------------------------------------------------------------------------

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        types: list[Row] = []

        def of_type(value: Any) -> Any:
            types.append(self._types().instance_type(value))
            return types[0]["id"]

        def on_lead(value: Any) -> Any:
            if value is None:
                raise Problem(REQUIRED)
            if not isinstance(value, str) or self.repo.find(self.spec.parent("lead_id"), value) is None:
                raise Problem(DOES_NOT_EXIST)
            return value

        cleaners = {"custom_object_type_id": of_type, "lead_id": on_lead}
        values = self._fields().clean(body, creating=True, errors=errors, cleaners=cleaners)
        if not types:
            errors.raise_if_any()
            raise AssertionError("unreachable")
        may_edit_instances(self.ctx, types[0])
        custom = self._values(types[0]["id"])
        lead_id = body.get("lead_id")
        stored = custom.apply({}, body, errors, lead_id=lead_id if isinstance(lead_id, str) else None)
        custom.check_required(stored, errors)
        errors.raise_if_any()
        return {**values, "custom": stored}

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        type_row = self._types().get(row["custom_object_type_id"])
        may_edit_instances(self.ctx, type_row)
        check_unchanged(body, row, ("lead_id", "custom_object_type_id"))
        errors = FieldErrors()
        cleaners = {"custom_object_type_id": unchanged, "lead_id": unchanged}
        values = self._fields().clean(body, creating=False, errors=errors, cleaners=cleaners)
        custom = self._values(row["custom_object_type_id"])
        stored = custom.apply(row["custom"] or {}, body, errors, lead_id=row["lead_id"])
        # A required field must hold a value whenever the object is saved.
        custom.check_required(stored, errors)
        errors.raise_if_any()
        if stored != row["custom"]:
            values["custom"] = stored
        return values

    def authorize(self, action: str, row: Row | None) -> None:
        if action == "delete" and row is not None:
            may_edit_instances(self.ctx, self._types().get(row["custom_object_type_id"]))

    def after_delete(self, row: Row) -> None:
        self._forget_references(row)

    def _forget_references(self, row: Row) -> None:
        forget_reference(
            self.ctx,
            row["id"],
            row["lead_id"],
            field_type="custom_object",
            referenced_type_id=row["custom_object_type_id"],
        )
