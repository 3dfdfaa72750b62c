"""The caller's organization, with the embedded lists Close returns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.context import Context
from leadbase.db.models import lead_status, membership
from leadbase.db.permissions import MANAGE_ORGANIZATION, require
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import MISSING, memberships_with_users, optional_text
from leadbase.resources.common import render_membership as shared_render_membership
from leadbase.resources.custom_field.render import lead_custom_fields
from leadbase.resources.deals import CURRENCY_SYMBOLS, org_pipelines, render_pipelines, status_summary
from leadbase.resources.status.service import forget_statuses, ordered_statuses


def render_membership(ctx: Context, row: Any, *, nested_user: bool = False) -> dict[str, Any]:
    return shared_render_membership(ctx, row, nested_user=nested_user)


def memberships_of(ctx: Context, organization_ids: list[str]) -> list[Any]:
    return memberships_with_users(ctx, membership.c.organization_id.in_(organization_ids))


def render_organizations(ctx: Context, rows: list[Row]) -> list[dict[str, Any]]:
    members = memberships_of(ctx, [r["id"] for r in rows])
    expand = {part.strip() for part in ctx.params.get("_expand", "").split(",")}
    active_nested = "memberships__user" in expand
    inactive_nested = "inactive_memberships__user" in expand
    out = []
    for r in rows:
        own = [m for m in members if m.organization_id == r["id"]]
        statuses = ordered_statuses(ctx) if r["id"] == ctx.organization_id else []
        out.append(
            {
                "id": r["id"],
                "name": r["name"],
                "currency": r["currency"],
                "currency_symbol": CURRENCY_SYMBOLS.get(r["currency"], r["currency"]),
                "lead_statuses": [{"id": s["id"], "label": s["label"]} for s in statuses],
                "pipelines": render_pipelines(ctx) if r["id"] == ctx.organization_id else [],
                # Deprecated by Close for `pipelines` (2019), still sent: every status, in order.
                "opportunity_statuses": (
                    [status_summary(s) for s in org_pipelines(ctx).statuses]
                    if r["id"] == ctx.organization_id
                    else []
                ),
                "memberships": [
                    render_membership(ctx, m, nested_user=active_nested) for m in own if m.is_active
                ],
                "inactive_memberships": [
                    render_membership(ctx, m, nested_user=inactive_nested) for m in own if not m.is_active
                ],
                "lead_custom_fields": lead_custom_fields(ctx) if r["id"] == ctx.organization_id else [],
                "date_created": iso(r["date_created"]),
                "date_updated": iso(r["date_updated"]),
                "created_by": r["created_by"],
                "updated_by": r["updated_by"],
            }
        )
    return out


class OrganizationService(Service):
    """Only the caller's own organization exists for it: any other id is a 404."""

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        return render_organizations(self.ctx, rows)

    # The new order of the lead statuses, validated with the body and written by update_outside.
    _status_order: list[str] | None = None

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_ORGANIZATION, "Your role may not change the organization.")

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values: Row = {}
        name = optional_text(body, "name", errors, max_length=255)
        if name is not MISSING:
            if not name or not str(name).strip():
                errors.add("name", "This field may not be blank.")
            else:
                values["name"] = str(name).strip()
        if "currency" in body:
            currency = body["currency"]
            if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
                errors.add("currency", "Not a valid ISO 4217 currency code.")
            else:
                values["currency"] = currency.upper()
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
        for position, status_id in enumerate(ids):
            self.ctx.conn.execute(
                update(lead_status)
                .where(
                    lead_status.c.organization_id == self.ctx.organization_id, lead_status.c.id == status_id
                )
                .values(position=position)
            )
        forget_statuses(self.ctx)
        return True

    def validate_create(self, body: dict[str, Any]) -> Row:
        raise Invalid(errors=["Organizations are created with `leadbase bootstrap`."])
