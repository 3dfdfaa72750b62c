"""The caller's organization, with the embedded lists Close returns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors, Forbidden, Invalid, NotFound
from leadbase.db.context import Context
from leadbase.db.models import lead_status, membership, organization, user
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import MISSING, full_name, optional_text
from leadbase.resources.custom_field.render import lead_custom_fields
from leadbase.resources.status.service import forget_statuses, ordered_statuses

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CAD": "$",
    "AUD": "$",
    "CHF": "CHF",
    "INR": "₹",
    "BRL": "R$",
    "PLN": "zł",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
}


def render_membership(row: Any, *, nested_user: bool = False) -> dict[str, Any]:
    common = {
        "id": row.id,
        "organization_id": row.organization_id,
        "user_id": row.user_id,
        "role_id": row.role_id,
        "role": row.role_id,
    }
    if nested_user:
        # `_expand=memberships__user` swaps the flattened user_* keys for a `user` object.
        user_keys: dict[str, Any] = {
            "user": {
                "id": row.user_id,
                "email": row.email,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "image": row.image,
            }
        }
    else:
        user_keys = {
            "user_email": row.email,
            "user_first_name": row.first_name,
            "user_last_name": row.last_name,
            "user_full_name": full_name(row.first_name, row.last_name),
            "user_image": row.image,
            "user_phone": None,
            "user_phone_formatted": None,
        }
    dates = {"date_created": iso(row.date_created), "date_updated": iso(row.date_updated)}
    return {**common, **user_keys, **dates}


def memberships_of(ctx: Context, organization_ids: list[str]) -> list[Any]:
    stmt = (
        select(membership, user.c.email, user.c.first_name, user.c.last_name, user.c.image)
        .join(user, user.c.id == membership.c.user_id)
        .where(membership.c.organization_id.in_(organization_ids))
        .order_by(membership.c.date_created, membership.c.id)
    )
    return list(ctx.conn.execute(stmt))


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
                "pipelines": [],
                "opportunity_statuses": [],
                "memberships": [render_membership(m, nested_user=active_nested) for m in own if m.is_active],
                "inactive_memberships": [
                    render_membership(m, nested_user=inactive_nested) for m in own if not m.is_active
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

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        if object_id != self.ctx.organization_id:
            raise NotFound.for_model("Organization")
        stmt = select(organization).where(organization.c.id == object_id)
        row = self.ctx.conn.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        if row is None:
            raise NotFound.for_model("Organization")
        return dict(row)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        return render_organizations(self.ctx, rows)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        if not self.ctx.actor.is_admin:
            raise Forbidden("Only admins of the organization may change it.")
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
            self._reorder_statuses(body["lead_statuses"], errors)
        errors.raise_if_any()
        return values

    def _reorder_statuses(self, value: Any, errors: FieldErrors) -> None:
        current = {s["id"] for s in ordered_statuses(self.ctx)}
        if not isinstance(value, list) or not all(isinstance(v, dict) and "id" in v for v in value):
            errors.add("lead_statuses", "Expected a list of objects with an id.")
            return
        ids = [v["id"] for v in value]
        if set(ids) != current or len(ids) != len(current):
            errors.add(
                "lead_statuses", "Send every lead status of the organization exactly once, in the new order."
            )
            return
        for position, status_id in enumerate(ids):
            self.ctx.conn.execute(
                update(lead_status)
                .where(
                    lead_status.c.organization_id == self.ctx.organization_id, lead_status.c.id == status_id
                )
                .values(position=position)
            )
        forget_statuses(self.ctx)

    def update(self, row: Row, body: dict[str, Any]) -> dict[str, Any]:
        # The current version, locked (as Service.update does): concurrent settings never merge
        # into a stale row.
        row = self.get(row["id"], lock=True)
        before = self.render_one(row)
        values = self.validate_update(row, body)
        changed = {k: v for k, v in values.items() if row.get(k) != v}
        if changed or self.render_one(row) != before:
            changed.update(date_updated=clock.now(), updated_by=self.ctx.actor.user_id)
            self.ctx.conn.execute(
                update(organization).where(organization.c.id == row["id"]).values(**changed)
            )
            row = {**row, **changed}
        return self.render_one(row)

    def validate_create(self, body: dict[str, Any]) -> Row:
        raise Invalid(errors=["Organizations are created with `leadbase bootstrap`."])
