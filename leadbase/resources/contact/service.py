"""Contacts: people on a lead, with emails, phones, urls and custom values."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from leadbase.core import clock
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.definitions import org_definitions
from leadbase.custom_fields.rewrite import forget_reference
from leadbase.custom_fields.values import CustomValues, custom_values
from leadbase.db.kept import keeper
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import recent_calls, user_names
from leadbase.resources.contact.channels import clean_phones, lasting_phones_zone, phones_zone
from leadbase.resources.links import links_wanted, render_links
from leadbase.resources.outreach import unsubscribed_among


def contact_display_name(row: Row) -> str:
    if row.get("name"):
        return str(row["name"])
    if row.get("emails"):
        return str(row["emails"][0]["email"])
    if row.get("phones"):
        return str(row["phones"][0]["phone"])
    return ""


# The computed fields a contact shows that are not its row's alone (see `ContactService.render`).
_PER_REQUEST: dict[str, Any] = dict.fromkeys(
    ("created_by_name", "updated_by_name", "integration_links", "recent_calls", "timezone", "timezone_source")
)


def _as_sent(value: Any) -> Any:
    return value


def lead_gone() -> Invalid:
    return Invalid.field("lead", "Object does not exist.")


class ContactService(Service):
    # A lead deleted between this request's check and its write: its foreign key fails, and the
    # request gets the 400 it would have got had it come second.
    violations = {"fk_contact_lead_id_lead": lead_gone}
    keeps_renderings = True

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        custom = custom_values(self.ctx, "contact")
        names = user_names(
            self.ctx, [r.get("created_by") for r in rows] + [r.get("updated_by") for r in rows]
        )
        render = self._fields().render_values
        shown = self.ctx.shown
        calls = {}
        if shown is None or "recent_calls" in shown or "contacts" in shown:
            calls = recent_calls(
                self.ctx, "contact_id", [r["id"] for r in rows], lead_ids=[r["lead_id"] for r in rows]
            )
        links = links_wanted(self.ctx, "contact", rows)
        # `is_unsubscribed` of each email: the page's addresses against /unsubscribe/email/, one query.
        unsubscribed: set[str] = set()
        if shown is None or "emails" in shown or "contacts" in shown:
            unsubscribed = unsubscribed_among(self.ctx, (e["email"] for r in rows for e in r["emails"] or ()))
        out = []
        now = clock.now()
        # What a row alone decides is kept from one read to the next (db/kept.py); the rest of
        # `computed` is this request's, laid over a copy.
        kept = keeper(self.ctx, "contact", org_definitions(self.ctx))
        found = kept.lookup(rows) if kept is not None else [None] * len(rows)

        def fresh(r: Row, computed: dict[str, Any]) -> dict[str, Any]:
            data = render(r, {"display_name": contact_display_name(r), **computed})
            return custom.render_into(data, r["custom"])

        def with_zone(r: Row, computed: dict[str, Any]) -> dict[str, Any]:
            zone = phones_zone(r["phones"] or [], now)
            computed["timezone"], computed["timezone_source"] = zone, "phone" if zone else None
            return computed

        for r, lookup in zip(rows, found, strict=True):
            created_by, updated_by = r["created_by"], r["updated_by"]
            computed: dict[str, Any] = {
                "created_by_name": names.get(created_by) if created_by else None,
                "updated_by_name": names.get(updated_by) if updated_by else None,
                "integration_links": [],
                "recent_calls": calls.get(r["id"], []),
            }
            if kept is None or lookup is None:
                data = fresh(r, with_zone(r, computed))
            else:
                key, value = lookup
                if value is None:
                    value = self._kept_value(r, fresh)
                    kept.keep(key, value)
                template, zone_lasts = value
                if not zone_lasts:
                    with_zone(r, computed)
                data = {**template, **computed}
                if kept.checking:
                    kept.check(key, data, partial(fresh, r, with_zone(r, dict(computed))))
            if unsubscribed and data.get("emails"):
                data["emails"] = [
                    {**e, "is_unsubscribed": e["email"].lower() in unsubscribed} for e in data["emails"]
                ]
            if links:
                # Contact-type integration links, filled from the contact's own representation.
                data["integration_links"] = render_links(self.ctx, "contact", data)
            out.append(data)
        return out

    @staticmethod
    def _kept_value(
        r: Row, fresh: Callable[[Row, dict[str, Any]], dict[str, Any]]
    ) -> tuple[dict[str, Any], bool]:
        """What a contact keeps (db/kept.py): its representation with nothing of a request's in
        it, and whether its zone is in it (the same at every moment) or is the request's."""
        template = fresh(r, _PER_REQUEST)
        zone_lasts, zone = lasting_phones_zone(r["phones"] or [])
        if zone_lasts:
            template["timezone"], template["timezone_source"] = zone, "phone" if zone else None
        return template, zone_lasts

    def _clean(self, body: Any, current: Row | None, lead_id: str | None) -> Row:
        """Column values (but the lead) of a whole contact, or of the changes of a PUT."""
        if not isinstance(body, dict):
            raise Invalid(errors=["A contact must be a JSON object."])
        errors = FieldErrors()
        settings = self.ctx.memo.get("settings")
        region = settings.default_phone_region if settings is not None else "US"
        values = self._fields().clean(
            body,
            creating=current is None,
            errors=errors,
            # The lead is the service's to check: "lead", not "lead_id", names its problems.
            cleaners={"lead_id": _as_sent, "phones": lambda value: clean_phones(value, region)},
        )
        values.pop("lead_id", None)
        custom = CustomValues(self.ctx, "contact")
        new_custom = custom.apply((current or {}).get("custom") or {}, body, errors, lead_id=lead_id)
        if current is None or new_custom != current.get("custom"):
            values["custom"] = new_custom
        errors.raise_if_any()
        return values

    def validate_embedded(self, body: Any, parent_id: str | None) -> Row:
        return self._clean(body, None, parent_id)

    def _lead_service(self) -> Service:
        spec = self.spec.parent("lead_id")
        return spec.service(self.ctx, spec)

    def validate_create(self, body: dict[str, Any]) -> Row:
        lead_id = body.get("lead_id")
        if lead_id is not None and not isinstance(lead_id, str):
            raise Invalid.field("lead", "Object does not exist.")
        if lead_id is not None and self.repo.find(self.spec.parent("lead_id"), lead_id) is None:
            raise Invalid.field("lead", "Object does not exist.")
        values = self._clean(body, None, lead_id)
        if lead_id is None:
            # Since 2025 Close creates a lead named after a contact posted without one.
            lead_data = self._lead_service().create(
                {"name": values.get("name") or contact_display_name(values)}
            )
            lead_id = lead_data["id"]
        values["lead_id"] = lead_id
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = self._clean(body, row, row["lead_id"])
        if "lead_id" in body and body["lead_id"] != row["lead_id"]:
            target = body["lead_id"]
            if not isinstance(target, str) or self.repo.find(self.spec.parent("lead_id"), target) is None:
                raise Invalid.field("lead", "Object does not exist.")
            values["lead_id"] = target
        return values

    def after_delete(self, row: Row) -> None:
        # Contact fields on the lead's objects that pointed at it no longer can.
        forget_reference(self.ctx, row["id"], row["lead_id"], field_type="contact")
