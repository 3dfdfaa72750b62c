"""Custom activities (/activity/custom/): instances of a custom activity type on a lead.

They are drafts or published; a published one must hold every required field of its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.core.dates import parse_datetime
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.custom_fields.values import CustomValues, custom_values
from leadbase.db.filters import Filter, Term
from leadbase.db.permissions import DELETE_OWN_ACTIVITIES, MANAGE_OTHERS_ACTIVITIES, require_for_object
from leadbase.db.query import ListQuery, Ordering
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import user_names
from leadbase.resources.custom_types import CustomTypeService, may_edit_instances, type_service

TYPE = "CustomActivity"
STATUSES = ("draft", "published")


class CustomActivityService(Service):
    # The lead or the type deleted between this request's checks and its write.
    violations = {
        "fk_activity_lead_id_lead": lambda: Invalid.field("lead", "Object does not exist."),
        "fk_activity_custom_activity_type_id_custom_activity_type": lambda: Invalid.field(
            "custom_activity_type_id", "Object does not exist."
        ),
    }

    def _types(self) -> CustomTypeService:
        return type_service(self.ctx, "custom_activity")

    def _values(self, type_id: str) -> CustomValues:
        return custom_values(self.ctx, "activity", type_id)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        names = user_names(self.ctx, [r[k] for r in rows for k in ("user_id", "created_by", "updated_by")])
        out = []
        for r in rows:
            out.append(
                {
                    "id": r["id"],
                    "_type": TYPE,
                    "custom_activity_type_id": r["custom_activity_type_id"],
                    "lead_id": r["lead_id"],
                    "contact_id": r["contact_id"],
                    "user_id": r["user_id"],
                    "user_name": names.get(r["user_id"]) if r["user_id"] else None,
                    "created_by": r["created_by"],
                    "created_by_name": names.get(r["created_by"]) if r["created_by"] else None,
                    "updated_by": r["updated_by"],
                    "updated_by_name": names.get(r["updated_by"]) if r["updated_by"] else None,
                    "organization_id": r["organization_id"],
                    "date_created": iso(r["date_created"]),
                    "date_updated": iso(r["date_updated"]),
                    "activity_at": iso(r["activity_at"]),
                    "status": r["status"],
                    "last_published_at": iso(r["last_published_at"]),
                    "pinned": r["pinned_at"] is not None,
                    "pinned_at": iso(r["pinned_at"]),
                    "source": r["source"],
                    "mentions": [],
                    "mentions_updated_at": None,
                    "users": [],
                    **self._values(r["custom_activity_type_id"]).render(r["custom"] or {}),
                }
            )
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
        if "_order_by" not in params:
            query.order_by = [Ordering("date_created", descending=True)]
        if not types:
            return None
        if not params.get("lead_id") and not params.get("lead_id__in"):
            raise Invalid({"lead_id": "Filtering by custom_activity_type_id requires lead_id."})
        return Term("custom_activity_type_id", "in", types)

    # ---- writing -------------------------------------------------------------------------

    def _moment(self, body: dict[str, Any], key: str, errors: FieldErrors) -> Any:
        value = body.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            errors.add(key, "Not a valid datetime.")
            return None
        try:
            return parse_datetime(value, self.ctx.tz_offset, naive_in_offset=True)
        except ValueError:
            errors.add(key, "Not a valid datetime.")
            return None

    def _member(
        self, body: dict[str, Any], keys: tuple[str, ...], error_key: str, errors: FieldErrors
    ) -> Any:
        for key in keys:
            if body.get(key) is not None:
                value = body[key]
                found = DatabaseLookups(self.ctx).user_ids([value]) if isinstance(value, str) else {}
                if not isinstance(value, str) or found.get(value) != value:
                    errors.add(error_key, "Not a user of this organization.")
                    return None
                return value
        return None

    def _contact(self, body: dict[str, Any], lead_id: Any, errors: FieldErrors) -> Any:
        contact_id = body.get("contact_id")
        if contact_id is None:
            return None
        if not isinstance(contact_id, str):
            errors.add("contact", "Object does not exist.")
            return None
        leads = DatabaseLookups(self.ctx).contact_leads([contact_id])
        if contact_id not in leads:
            errors.add("contact", "Object does not exist.")
        elif leads[contact_id] != lead_id:
            errors.add("contact", "The contact must be a contact of the activity's lead.")
        return contact_id

    def _status(self, body: dict[str, Any], errors: FieldErrors) -> Any:
        status = body.get("status")
        if status is not None and status not in STATUSES:
            errors.add("status", "Not a valid choice: use draft or published.")
            return None
        return status

    def _custom_body(self, body: dict[str, Any]) -> dict[str, Any]:
        # The published schema also shows a `custom_fields` map (field id -> value);
        # `custom.<id>` keys win when both name a field.
        extra = body.get("custom_fields")
        if isinstance(extra, dict):
            return {**{f"custom.{k}": v for k, v in extra.items()}, **body}
        return body

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        type_row = self._types().instance_type(body, "custom_activity_type_id", errors)
        lead_id = body.get("lead_id")
        if lead_id is None:
            errors.add("lead", "This field is required.")
        elif not isinstance(lead_id, str) or self.repo.find(self.spec.parent("lead_id"), lead_id) is None:
            errors.add("lead", "Object does not exist.")
            lead_id = None
        contact_id = self._contact(body, lead_id, errors)
        user_id = self._member(body, ("user_id",), "user", errors) or self.ctx.actor.user_id
        created_by = self._member(body, ("created_by_id", "created_by"), "created_by", errors)
        status = self._status(body, errors) or "published"
        now = clock.now()
        date_created = self._moment(body, "date_created", errors) or now
        activity_at = self._moment(body, "activity_at", errors) or date_created
        pinned = body.get("pinned")
        if pinned is not None and not isinstance(pinned, bool):
            errors.add("pinned", "Must be true or false.")
        if type_row is None:
            errors.raise_if_any()
            raise AssertionError("unreachable")
        may_edit_instances(self.ctx, type_row)
        custom = self._values(type_row["id"])
        stored = custom.apply({}, self._custom_body(body), errors, lead_id=lead_id)
        if status == "published":
            custom.check_required(stored, errors)
        errors.raise_if_any()
        values: Row = {
            "custom_activity_type_id": type_row["id"],
            "lead_id": lead_id,
            "contact_id": contact_id,
            "user_id": user_id,
            "status": status,
            "activity_at": activity_at,
            "last_published_at": now if status == "published" else None,
            "pinned_at": now if pinned else None,
            "source": "api",
            "payload": {},
            "custom": stored,
            "date_created": date_created,
        }
        if created_by is not None:
            values["created_by"] = created_by
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        may_edit_instances(self.ctx, self._types().get(row["custom_activity_type_id"]))
        errors = FieldErrors()
        values: Row = {}
        for key, column in (("lead_id", "lead_id"), ("custom_activity_type_id", "custom_activity_type_id")):
            if key in body and body[key] != row[column]:
                errors.add(key, "This cannot be changed.")
        if "contact_id" in body:
            values["contact_id"] = self._contact(body, row["lead_id"], errors)
        if body.get("activity_at") is not None:
            values["activity_at"] = self._moment(body, "activity_at", errors)
        status = self._status(body, errors) or row["status"]
        if status != row["status"]:
            values["status"] = status
            if status == "published":
                values["last_published_at"] = clock.now()
        if "pinned" in body:
            pinned = body["pinned"]
            if pinned is not None and not isinstance(pinned, bool):
                errors.add("pinned", "Must be true or false.")
            elif bool(pinned) != (row["pinned_at"] is not None):
                values["pinned_at"] = clock.now() if pinned else None
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
        if row is not None:
            require_for_object(
                self.ctx, row["user_id"], action, own=DELETE_OWN_ACTIVITIES, others=MANAGE_OTHERS_ACTIVITIES
            )
        if action == "delete" and row is not None:
            may_edit_instances(self.ctx, self._types().get(row["custom_activity_type_id"]))
