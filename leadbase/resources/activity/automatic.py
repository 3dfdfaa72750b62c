"""The activities leadbase records by itself: Created, status changes, task completions, lead
merges and form submissions.

Each is a member of the activity family (a row of `activity` told apart by `type`); what only
one type carries lives in the row's `payload` and is shown by the type's service. They are
recorded by the services of their causes (the lead, the opportunity, the task, the merge)
through `resources.common.record_activity`, inside the cause's unit of work, so each gets its
`activity.<type>` event in the same transaction. Status changes can also be posted, to import
history: that changes no lead or opportunity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core import clock
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.fields import REQUIRED, TEXT, Field, shown
from leadbase.db.orgcache import lead_statuses
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityBase
from leadbase.resources.activity_values import DOES_NOT_EXIST
from leadbase.resources.deals import opportunity_change, org_pipelines


def payload_field(name: str, value_type: Any = TEXT, *, writable: bool = False, **options: Any) -> Field:
    """A type-specific field kept in the row's `payload` (shown by the service)."""
    if writable:
        return Field(name, value_type, computed=True, **options)
    return shown(name, value_type, computed=True, nullable=True, **options)


# The computed fields the activity base renders itself; a system type's others come from payload.
_BASE_COMPUTED = frozenset({"_type", "user_name", "created_by_name", "updated_by_name", "users"})


class SystemActivityService(ActivityBase):
    """Renders a system activity: the common fields, names, and the type's payload keys."""

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {
            f.name: _held(f.name)
            for f in self._fields().shown()
            if f.computed and f.name not in _BASE_COMPUTED
        }

    def validate_create(self, body: dict[str, Any]) -> Row:
        # Only status changes are created through the API; the others have no POST route.
        raise Invalid(errors=[f"{self.spec.model_name} activities are recorded by leadbase."])


def _held(name: str) -> Callable[[Row], Any]:
    # The row is merged: the payload's keys stand beside the columns.
    return lambda row: row.get(name)


# ---- status changes imported through the API ----------------------------------------------


class _Import:
    """The checks every imported status change shares: lead, contact, users, dates, each
    problem under the body's own key."""

    def __init__(self, service: SystemActivityService, body: dict[str, Any]) -> None:
        self.service = service
        self.ctx = service.ctx
        self.body = body
        self.errors = FieldErrors()

    def lead(self, lead_id: Any) -> Row | None:
        if lead_id is None:
            self.errors.add("lead_id", REQUIRED)
            return None
        spec = self.service.spec.parent("lead_id")
        found = self.service.repo.find(spec, lead_id) if isinstance(lead_id, str) else None
        if found is None:
            self.errors.add("lead_id", DOES_NOT_EXIST)
        return found

    def user(self, key: str) -> Any:
        return self.service.checked(self.errors, key, self.service.member, self.body.get(key))

    def moment(self, key: str) -> Any:
        return self.service.checked(self.errors, key, self.service.moment, self.body.get(key))

    def label(self, key: str, default: Any) -> Any:
        value = self.body.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self.errors.add(key, "Not a valid string.")
            return default
        return value

    def contact(self, lead_id: Any) -> Any:
        of_lead = self.service.contact_of(lambda: lead_id)
        return self.service.checked(self.errors, "contact_id", of_lead, self.body.get("contact_id"))

    def row(self, lead_id: Any, payload: dict[str, Any], **columns: Any) -> Row:
        contact_id = self.contact(lead_id)
        user_id = self.user("user_id")
        created_by = self.user("created_by_id") or self.user("created_by")
        date_created = self.moment("date_created")
        activity_at = self.moment("activity_at")
        self.errors.raise_if_any()
        now = clock.now()
        values: Row = {
            "lead_id": lead_id,
            "contact_id": contact_id,
            "user_id": user_id or self.ctx.actor.user_id,
            "activity_at": activity_at or date_created or now,
            "date_created": date_created or now,
            "date_updated": date_created or now,
            "source": "api",
            "payload": payload,
            "custom": {},
            **columns,
        }
        if created_by is not None:
            values["created_by"] = values["updated_by"] = created_by
        return values


class LeadStatusChangeService(SystemActivityService):
    def validate_create(self, body: dict[str, Any]) -> Row:
        check = _Import(self, body)
        lead = check.lead(body.get("lead_id"))
        statuses = {s["id"]: s for s in lead_statuses(self.ctx)}
        labels: dict[str, Any] = {}
        for side in ("old", "new"):
            key = f"{side}_status_id"
            status_id = body.get(key)
            if status_id is None:
                if side == "new":
                    check.errors.add(key, REQUIRED)
                labels[side] = None
                continue
            if not isinstance(status_id, str) or status_id not in statuses:
                check.errors.add(key, "Not a lead status of this organization.")
                continue
            labels[side] = statuses[status_id]["label"]
        payload = {
            "old_status_id": body.get("old_status_id"),
            "old_status_label": check.label("old_status_label", labels.get("old")),
            "new_status_id": body.get("new_status_id"),
            "new_status_label": check.label("new_status_label", labels.get("new")),
        }
        return check.row(lead["id"] if lead else None, payload)


class OpportunityStatusChangeService(SystemActivityService):
    def validate_create(self, body: dict[str, Any]) -> Row:
        check = _Import(self, body)
        opportunity = None
        opportunity_id = body.get("opportunity_id")
        if opportunity_id is None:
            check.errors.add("opportunity_id", REQUIRED)
        else:
            spec = self.spec.parent("opportunity_id")
            opportunity = self.repo.find(spec, opportunity_id) if isinstance(opportunity_id, str) else None
            if opportunity is None:
                check.errors.add("opportunity_id", DOES_NOT_EXIST)
        lead_id = body.get("lead_id")
        if opportunity is not None:
            if lead_id is not None and lead_id != opportunity["lead_id"]:
                check.errors.add("lead_id", "The opportunity belongs to another lead.")
            lead_id = opportunity["lead_id"]
        elif lead_id is not None:
            check.lead(lead_id)
        found = org_pipelines(self.ctx)
        sides: dict[str, Row | None] = {}
        for side in ("old", "new"):
            key = f"{side}_status_id"
            status_id = body.get(key)
            sides[side] = None
            if status_id is None:
                if side == "new":
                    check.errors.add(key, REQUIRED)
                continue
            status = found.status(status_id) if isinstance(status_id, str) else None
            if status is None:
                check.errors.add(key, "Not an opportunity status of this organization.")
            sides[side] = status
        shown_opportunity: Row = {}
        if opportunity is not None:
            spec = self.spec.parent("opportunity_id")
            shown_opportunity = spec.service(self.ctx, spec).render_one(opportunity)
        payload = opportunity_change(
            self.ctx, shown_opportunity, sides["old"], sides["new"], labels=check.label
        )
        return check.row(lead_id, payload, opportunity_id=opportunity_id)
