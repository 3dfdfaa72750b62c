"""The caller's organization, with the embedded lists Close returns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.render import lead_custom_fields
from leadbase.db.context import Context
from leadbase.db.fields import Problem
from leadbase.db.models import membership
from leadbase.db.orgcache import forget_lead_statuses as forget_statuses
from leadbase.db.orgcache import lead_statuses as ordered_statuses
from leadbase.db.permissions import MANAGE_ORGANIZATION, require
from leadbase.db.repository import Row
from leadbase.db.resource import resources
from leadbase.db.service import Service
from leadbase.resources.common import memberships_with_users
from leadbase.resources.common import render_membership as shared_render_membership
from leadbase.resources.deals import CURRENCY_SYMBOLS, org_pipelines, render_pipelines, status_summary

# The resource whose order PUT /organization/ sets.
LEAD_STATUSES = "status/lead"


def currency_value(value: Any) -> str:
    """An ISO 4217 code (`usd` reads as `USD`)."""
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha():
        raise Problem("Not a valid ISO 4217 currency code.")
    return value.upper()


def render_membership(ctx: Context, row: Any, *, nested_user: bool = False) -> dict[str, Any]:
    return shared_render_membership(ctx, row, nested_user=nested_user)


def memberships_of(ctx: Context, organization_ids: list[str]) -> list[Any]:
    return memberships_with_users(ctx, membership.c.organization_id.in_(organization_ids))


class OrganizationService(Service):
    """Only the caller's own organization exists for it: any other id is a 404."""

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        ctx = self.ctx
        members = memberships_of(ctx, [r["id"] for r in rows])
        expand = {part.strip() for part in ctx.params.get("_expand", "").split(",")}
        active_nested = "memberships__user" in expand
        inactive_nested = "inactive_memberships__user" in expand

        def own(row: Row) -> list[Any]:
            return [m for m in members if m.organization_id == row["id"]]

        def mine(row: Row) -> bool:
            return bool(row["id"] == ctx.organization_id)

        computed: dict[str, Callable[[Row], Any]] = {
            "currency_symbol": lambda row: CURRENCY_SYMBOLS.get(row["currency"], row["currency"]),
            "lead_statuses": lambda row: [
                {"id": s["id"], "label": s["label"]} for s in (ordered_statuses(ctx) if mine(row) else [])
            ],
            "pipelines": lambda row: render_pipelines(ctx) if mine(row) else [],
            # Deprecated by Close for `pipelines` (2019), still sent: every status, in order.
            "opportunity_statuses": lambda row: (
                [status_summary(s) for s in org_pipelines(ctx).statuses] if mine(row) else []
            ),
            "memberships": lambda row: [
                render_membership(ctx, m, nested_user=active_nested) for m in own(row) if m.is_active
            ],
            "inactive_memberships": lambda row: [
                render_membership(ctx, m, nested_user=inactive_nested) for m in own(row) if not m.is_active
            ],
            "lead_custom_fields": lambda row: lead_custom_fields(ctx) if mine(row) else [],
        }
        fields = self._fields()
        return [fields.render(r, computed) for r in rows]

    # The new order of the lead statuses, validated with the body and written by update_outside.
    _status_order: list[str] | None = None

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_ORGANIZATION, "Your role may not change the organization.")

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=False, errors=errors)
        if "lead_statuses" in body:
            self._status_order = self._clean_status_order(body["lead_statuses"], errors)
        errors.raise_if_any()
        return values

    def _clean_status_order(self, value: Any, errors: FieldErrors) -> list[str] | None:
        current = {s["id"] for s in ordered_statuses(self.ctx)}
        if not isinstance(value, list) or not all(isinstance(v, dict) and "id" in v for v in value):
            errors.add("lead_statuses", "Expected a list of objects with an id.")
            return None
        ids = [v["id"] for v in value]
        if set(ids) != current or len(ids) != len(current):
            errors.add(
                "lead_statuses", "Send every lead status of the organization exactly once, in the new order."
            )
            return None
        return ids

    def update_outside(self, row: Row, body: dict[str, Any]) -> bool:
        ids = self._status_order
        if ids is None or ids == [s["id"] for s in ordered_statuses(self.ctx)]:
            return False
        self.repo.set_order(resources.get(LEAD_STATUSES), ids)
        forget_statuses(self.ctx)
        return True

    def validate_create(self, body: dict[str, Any]) -> Row:
        raise Invalid(errors=["Organizations are created with `leadbase bootstrap`."])
