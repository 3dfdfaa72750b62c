"""Custom activities (/activity/custom/): instances of a custom activity type on a lead.

They are drafts or published; a published one must hold every required field of its type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from leadbase.core import clock
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.custom_fields.values import CustomValues, custom_values
from leadbase.db.fields import REQUIRED, Problem
from leadbase.db.filters import Filter, Term
from leadbase.db.permissions import DELETE_OWN_ACTIVITIES, MANAGE_OTHERS_ACTIVITIES, require_for_object
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.activities import clean_member, clean_moment, comment_summaries
from leadbase.resources.common import user_names
from leadbase.resources.custom_types import (
    DOES_NOT_EXIST,
    CustomTypeService,
    may_edit_instances,
    type_service,
    unchanged,
)

TYPE = "CustomActivity"
STATUSES = ("draft", "published")


def status_value(value: Any) -> Any:
    """draft or published; null leaves it to the default (published) or as it was."""
    if value is not None and value not in STATUSES:
        raise Problem("Not a valid choice: use draft or published.")
    return value


class CustomActivityService(Service):
    # The lead or the type deleted between this request's checks and its write.
    violations = {
        "fk_activity_lead_id_lead": lambda: Invalid.field("lead", "Object does not exist."),
        "fk_activity_custom_activity_type_id_custom_activity_type": lambda: Invalid.field(
            "custom_activity_type_id", "Object does not exist."
        ),
    }

    def _types(self) -> CustomTypeService:
        return type_service(self.ctx, self.spec)

    def _values(self, type_id: str) -> CustomValues:
        return custom_values(self.ctx, "activity", type_id)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        names = user_names(self.ctx, [r[k] for r in rows for k in ("user_id", "created_by", "updated_by")])
        summaries = comment_summaries(self.ctx, [r["id"] for r in rows])

        def name_of(column: str) -> Callable[[Row], Any]:
            return lambda row: names.get(row[column]) if row[column] else None

        computed: dict[str, Callable[[Row], Any]] = {
            "_type": lambda _row: TYPE,
            "user_name": name_of("user_id"),
            "created_by_name": name_of("created_by"),
            "updated_by_name": name_of("updated_by"),
            "pinned": lambda row: row["pinned_at"] is not None,
            "mentions": lambda _row: [],
            "mentions_updated_at": lambda _row: None,
            "users": lambda _row: [],
            "comment_summary": lambda row: summaries.get(row["id"]),
        }
        fields = self._fields()
        return [
            {
                **fields.render(r, computed),
                **self._values(r["custom_activity_type_id"]).render(r["custom"] or {}),
            }
            for r in rows
        ]

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

    def _moment(self, value: Any) -> Any:
        return clean_moment(self.ctx, value)

    def _member(self, value: Any) -> Any:
        return clean_member(self.ctx, value)

    def _contact(self, lead_id: Callable[[], Any]) -> Callable[[Any], Any]:
        def clean(contact_id: Any) -> Any:
            if contact_id is None:
                return None
            if not isinstance(contact_id, str):
                raise Problem(DOES_NOT_EXIST)
            leads = DatabaseLookups(self.ctx).contact_leads([contact_id])
            if contact_id not in leads:
                raise Problem(DOES_NOT_EXIST)
            if leads[contact_id] != lead_id():
                raise Problem("The contact must be a contact of the activity's lead.")
            return contact_id

        return clean

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

        def on_lead(value: Any) -> Any:
            if value is None:
                raise Problem(REQUIRED)
            if not isinstance(value, str) or self.repo.find(self.spec.parent("lead_id"), value) is None:
                raise Problem(DOES_NOT_EXIST)
            found["lead_id"] = value
            return value

        values = self._fields().clean(
            body,
            creating=True,
            errors=errors,
            cleaners={
                "custom_activity_type_id": of_type,
                "lead_id": on_lead,
                "contact_id": self._contact(lambda: found.get("lead_id")),
                "user_id": self._member,
                "activity_at": self._moment,
            },
        )
        created_by = self._written_by(body, errors)
        now = clock.now()
        try:
            date_created = self._moment(body.get("date_created")) or now
        except Problem as problem:
            errors.add("date_created", problem.message)
            date_created = now
        pinned = body.get("pinned")
        if pinned is not None and not isinstance(pinned, bool):
            errors.add("pinned", "Must be true or false.")
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
        values.update(
            user_id=values.get("user_id") or self.ctx.actor.user_id,
            status=status,
            activity_at=values.get("activity_at") or date_created,
            last_published_at=now if status == "published" else None,
            pinned_at=now if pinned else None,
            source="api",
            payload={},
            custom=stored,
            date_created=date_created,
        )
        if created_by is not None:
            values["created_by"] = created_by
        return values

    def _written_by(self, body: dict[str, Any], errors: FieldErrors) -> Any:
        """Who an imported activity says created it (`created_by_id`, or `created_by`)."""
        for key in ("created_by_id", "created_by"):
            if body.get(key) is not None:
                try:
                    return self._member(body[key])
                except Problem as problem:
                    errors.add("created_by", problem.message)
                    return None
        return None

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        may_edit_instances(self.ctx, self._types().get(row["custom_activity_type_id"]))
        errors = FieldErrors()
        for key in ("lead_id", "custom_activity_type_id"):
            if key in body and body[key] != row[key]:
                errors.add(key, "This cannot be changed.")
        values = self._fields().clean(
            body,
            creating=False,
            errors=errors,
            cleaners={
                "custom_activity_type_id": unchanged,
                "lead_id": unchanged,
                "contact_id": self._contact(lambda: row["lead_id"]),
                "user_id": self._member,
                "activity_at": self._moment,
            },
        )
        for key in ("activity_at", "status"):
            # A null leaves them as they are.
            if key in values and values[key] is None:
                del values[key]
        status = values.get("status", row["status"])
        if status != row["status"] and status == "published":
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
