"""Contacts: people on a lead, with emails, phones, urls and custom values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.rewrite import forget_reference
from leadbase.custom_fields.values import CustomValues
from leadbase.db.context import Context
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import MISSING, optional_text, user_names
from leadbase.resources.contact.channels import clean_emails, clean_phones, clean_urls, render_phone


def contact_display_name(row: Row) -> str:
    if row.get("name"):
        return str(row["name"])
    if row.get("emails"):
        return str(row["emails"][0]["email"])
    if row.get("phones"):
        return str(row["phones"][0]["phone"])
    return ""


def clean_contact(ctx: Context, body: dict[str, Any], current: Row | None, lead_id: str | None) -> Row:
    """Column values for a contact from a body (a whole contact, or the changes of a PUT)."""
    if not isinstance(body, dict):
        raise Invalid(errors=["A contact must be a JSON object."])
    errors = FieldErrors()
    values: Row = {}
    for name in ("name", "title"):
        value = optional_text(body, name, errors, max_length=1000)
        if value is not MISSING:
            values[name] = value
    region = ctx.memo["settings"].default_phone_region if "settings" in ctx.memo else "US"
    cleaners: dict[str, Callable[[Any], list[dict[str, Any]] | None]] = {
        "emails": lambda v: clean_emails(v, errors),
        "phones": lambda v: clean_phones(v, errors, region),
        "urls": lambda v: clean_urls(v, errors),
    }
    for name, clean in cleaners.items():
        if name in body:
            cleaned = clean(body[name])
            if cleaned is not None:
                values[name] = cleaned
    custom = CustomValues(ctx, "contact")
    new_custom = custom.apply((current or {}).get("custom") or {}, body, errors, lead_id=lead_id)
    if current is None or new_custom != current.get("custom"):
        values["custom"] = new_custom
    errors.raise_if_any()
    if current is None:
        values.setdefault("name", None)
        values.setdefault("title", None)
        for name in ("emails", "phones", "urls"):
            values.setdefault(name, [])
    return values


def render_contacts(ctx: Context, rows: list[Row]) -> list[dict[str, Any]]:
    custom = CustomValues(ctx, "contact")
    names = user_names(ctx, [r.get("created_by") for r in rows] + [r.get("updated_by") for r in rows])
    out = []
    for r in rows:
        out.append(
            {
                "id": r["id"],
                "lead_id": r["lead_id"],
                "name": r["name"],
                "title": r["title"] if r["title"] is not None else "",
                "display_name": contact_display_name(r),
                "emails": [{**e, "is_unsubscribed": False} for e in r["emails"]],
                "phones": [render_phone(p) for p in r["phones"]],
                "urls": r["urls"],
                "organization_id": r["organization_id"],
                "date_created": iso(r["date_created"]),
                "date_updated": iso(r["date_updated"]),
                "created_by": r["created_by"],
                "updated_by": r["updated_by"],
                "created_by_name": names.get(r["created_by"]) if r["created_by"] else None,
                "updated_by_name": names.get(r["updated_by"]) if r["updated_by"] else None,
                "integration_links": [],
                **custom.render(r["custom"] or {}),
            }
        )
    return out


def lead_gone() -> Invalid:
    return Invalid.field("lead", "Object does not exist.")


class ContactService(Service):
    # A lead deleted between this request's check and its write: its foreign key fails, and the
    # request gets the 400 it would have got had it come second.
    violations = {"fk_contact_lead_id_lead": lead_gone}

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        return render_contacts(self.ctx, rows)

    def _lead_service(self) -> Service:
        spec = self.spec.parent("lead_id")
        return spec.service(self.ctx, spec)

    def validate_create(self, body: dict[str, Any]) -> Row:
        lead_id = body.get("lead_id")
        if lead_id is not None and not isinstance(lead_id, str):
            raise Invalid.field("lead", "Object does not exist.")
        if lead_id is not None and self.repo.find(self.spec.parent("lead_id"), lead_id) is None:
            raise Invalid.field("lead", "Object does not exist.")
        values = clean_contact(self.ctx, body, None, lead_id)
        if lead_id is None:
            # Since 2025 Close creates a lead named after a contact posted without one.
            lead_data = self._lead_service().create(
                {"name": values.get("name") or contact_display_name(values)}
            )
            lead_id = lead_data["id"]
        values["lead_id"] = lead_id
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = clean_contact(self.ctx, body, row, row["lead_id"])
        if "lead_id" in body and body["lead_id"] != row["lead_id"]:
            target = body["lead_id"]
            if not isinstance(target, str) or self.repo.find(self.spec.parent("lead_id"), target) is None:
                raise Invalid.field("lead", "Object does not exist.")
            values["lead_id"] = target
        return values

    def after_delete(self, row: Row) -> None:
        # Contact fields on the lead's objects that pointed at it no longer can.
        forget_reference(self.ctx, row["id"], row["lead_id"], field_type="contact")
