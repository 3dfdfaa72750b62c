"""Custom activities (/activity/custom/): instances of a custom activity type on a lead.

They are drafts or published; a published one must hold every required field of its type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from leadbase.core import clock
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.values import CustomValues, custom_values
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityBase
from leadbase.resources.custom_types import (
    DOES_NOT_EXIST,
    CustomTypeService,
    may_edit_instances,
    type_service,
    unchanged,
)

# Close's `_type` of custom activities (and the family alias `Custom` names them all).
TYPE = "CustomActivity"
STATUSES = ("draft", "published")


def status_value(value: Any) -> Any:
    """draft or published; null leaves it to the default (published) or as it was."""
    if value is not None and value not in STATUSES:
        raise Problem("Not a valid choice: use draft or published.")
    return value


class CustomActivityService(ActivityBase):
    # The lead or the type deleted between this request's checks and its write.
    violations = {
        **ActivityBase.violations,
        "fk_activity_custom_activity_type_id_custom_activity_type": lambda: Invalid.field(
            "custom_activity_type_id", DOES_NOT_EXIST
        ),
    }

    def _types(self) -> CustomTypeService:
        return type_service(self.ctx, self.spec)

    def _values(self, type_id: str) -> CustomValues:
        return custom_values(self.ctx, "activity", type_id)

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {"mentions": lambda _row: [], "mentions_updated_at": lambda _row: None}

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        out = super().render(rows)
        for data, row in zip(out, rows, strict=True):
            data.update(self._values(row["custom_activity_type_id"]).render(row["custom"] or {}))
        return out

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        # Not a declared filter: unlike the others it needs lead_id (as in Close, listing one
        # type across leads goes through Advanced Filtering to find the leads first).
        types = [
            part.strip()
            for key in ("custom_activity_type_id", "custom_activity_type_id__in")
            for part in params.get(key, "").split(",")
            if part.strip()
        ]
        if not types:
            return None
        if not params.get("lead_id") and not params.get("lead_id__in"):
            raise Invalid({"lead_id": "Filtering by custom_activity_type_id requires lead_id."})
        return Term("custom_activity_type_id", "in", types)

    # ---- writing -------------------------------------------------------------------------

    def _custom_body(self, body: dict[str, Any]) -> dict[str, Any]:
        # The published schema also shows a `custom_fields` map (field id -> value);
        # `custom.<id>` keys win when both name a field.
        extra = body.get("custom_fields")
        if isinstance(extra, dict):
            return {**{f"custom.{k}": v for k, v in extra.items()}, **body}
        return body

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        found: dict[str, Any] = {}

        def of_type(value: Any) -> Any:
            found["type"] = self._types().instance_type(value)
            return found["type"]["id"]

        values = self._fields().clean(
            body,
            creating=True,
            errors=errors,
            cleaners={**self.common_cleaners(found), "custom_activity_type_id": of_type},
        )
        values.update(self.imported(body, errors))
        pinned_at = self.pinned_at(body, errors, None)
        type_row = found.get("type")
        if type_row is None:
            errors.raise_if_any()
            raise AssertionError("unreachable")
        may_edit_instances(self.ctx, type_row)
        status = values.get("status") or "published"
        custom = self._values(type_row["id"])
        stored = custom.apply({}, self._custom_body(body), errors, lead_id=found.get("lead_id"))
        if status == "published":
            custom.check_required(stored, errors)
        errors.raise_if_any()
        now = clock.now()
        values.update(
            user_id=values.get("user_id") or self.ctx.actor.user_id,
            status=status,
            activity_at=values.get("activity_at") or values["date_created"],
            last_published_at=now if status == "published" else None,
            pinned_at=pinned_at,
            source="api",
            custom=stored,
        )
        return self.split(values)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        may_edit_instances(self.ctx, self._types().get(row["custom_activity_type_id"]))
        errors = FieldErrors()
        if (
            "custom_activity_type_id" in body
            and body["custom_activity_type_id"] != row["custom_activity_type_id"]
        ):
            errors.add("custom_activity_type_id", "This cannot be changed.")
        values = self._fields().clean(
            body,
            creating=False,
            errors=errors,
            cleaners={**self.common_cleaners({}, row), "custom_activity_type_id": unchanged},
        )
        for key in ("activity_at", "status"):
            # A null leaves them as they are.
            if key in values and values[key] is None:
                del values[key]
        status = values.get("status", row["status"])
        if status != row["status"] and status == "published":
            values["last_published_at"] = clock.now()
        pinned_at = self.pinned_at(body, errors, row["pinned_at"])
        if pinned_at != row["pinned_at"]:
            values["pinned_at"] = pinned_at
        custom = self._values(row["custom_activity_type_id"])
        stored = custom.apply(row["custom"] or {}, self._custom_body(body), errors, lead_id=row["lead_id"])
        if status == "published":
            # Publishing (or editing a published activity) needs every required field.
            custom.check_required(stored, errors)
        errors.raise_if_any()
        if stored != row["custom"]:
            values["custom"] = stored
        return values

    def authorize(self, action: str, row: Row | None) -> None:
        super().authorize(action, row)
        if action == "delete" and row is not None:
            may_edit_instances(self.ctx, self._types().get(row["custom_activity_type_id"]))
