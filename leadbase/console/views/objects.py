"""Contacts and custom objects of a lead: create and edit, with the API's own messages."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from leadbase.console.forms import Outcome, attempt, lead_child_pages, render_form
from leadbase.console.inputs import form_values, inputs
from leadbase.console.pages import Console, Page, redirect
from leadbase.console.views.deals import save
from leadbase.console.views.leads import choices_for


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def register(console: Console) -> None:
    async def contact_form(page: Page, lead_id: str, contact: dict[str, Any] | None) -> Response:
        lead = await page.api.get(f"lead/{lead_id}/")
        fields = await page.api.all("custom_field/contact/")
        choices = await choices_for(page.api, lead)
        current: dict[str, Any] = dict(contact or {})
        current["emails_text"] = "\n".join(e["email"] for e in current.get("emails") or [])
        current["phones_text"] = "\n".join(p["phone"] for p in current.get("phones") or [])
        outcome = Outcome()
        if page.form is not None:
            body: dict[str, Any] = {
                "name": page.field("name"),
                "title": page.field("title"),
                "emails": [{"email": e, "type": "office"} for e in _lines(page.field("emails_text"))],
                "phones": [{"phone": p, "type": "office"} for p in _lines(page.field("phones_text"))],
            }
            body.update(form_values(fields, page.fields))
            if contact is None:
                body["lead_id"] = lead_id
            outcome = await attempt(save(page, "contact/", body, contact["id"] if contact else None))
            if not outcome.refused:
                return redirect(f"/lead/{lead_id}/")
            current.update(body, emails_text=page.field("emails_text"), phones_text=page.field("phones_text"))
        return render_form(
            page,
            "contact_form.html",
            outcome,
            lead=lead,
            contact=contact,
            current=current,
            inputs=inputs(fields, current, choices, outcome.field_errors),
        )

    lead_child_pages(console, "contact", "contacts", contact_form)

    async def object_form(page: Page, lead_id: str, obj: dict[str, Any] | None) -> Response:
        # A new object's type comes with the link that opened the form (`?type=`).
        type_id = obj["custom_object_type_id"] if obj else page.arg("type")
        lead = await page.api.get(f"lead/{lead_id}/")
        cotype = await page.api.get(f"custom_object_type/{type_id}/")
        fields = list(cotype.get("fields") or [])
        choices = await choices_for(page.api, lead)
        current: dict[str, Any] = dict(obj or {})
        outcome = Outcome()
        if page.form is not None:
            body: dict[str, Any] = {"name": page.field("name")}
            body.update(form_values(fields, page.fields))
            if obj is None:
                body.update(custom_object_type_id=type_id, lead_id=lead_id)
            outcome = await attempt(save(page, "custom_object/", body, obj["id"] if obj else None))
            if not outcome.refused:
                return redirect(f"/lead/{lead_id}/")
            current.update(body)
        return render_form(
            page,
            "object_form.html",
            outcome,
            lead=lead,
            cotype=cotype,
            obj=obj,
            current=current,
            inputs=inputs(fields, current, choices, outcome.field_errors),
        )

    lead_child_pages(console, "custom_object", "custom_objects", object_form)
