"""Bulk email: the template filled in for each recipient of the selected leads, each email made
by the email activity service in status `outbox`, for the sending job to send.

Recipients by `contact_preference`: `lead`, the first address of the lead's first contact that
has one; `contact`, the first address of each contact; `all` (Close leaves it undescribed),
every address of every contact. Unsubscribed addresses are skipped and counted in
`n_objects_skipped`.
"""

from __future__ import annotations

from typing import Any

from leadbase.db.context import Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import resources
from leadbase.resources.bulk_action.runner import Applier, Progress, register_applier
from leadbase.resources.merge_tags import TemplateProblem, rendered_email
from leadbase.resources.outreach import unsubscribed_among


def _addresses(contact: Row) -> list[str]:
    return [e["email"] for e in contact.get("emails") or [] if isinstance(e, dict) and e.get("email")]


def recipients(contacts: list[Row], preference: str) -> list[tuple[Row, str]]:
    """(contact, address) pairs of one lead's contacts (oldest first) under `preference`."""
    chosen: list[tuple[Row, str]] = []
    for contact in contacts:
        addresses = _addresses(contact)
        if not addresses:
            continue
        if preference == "all":
            chosen.extend((contact, a) for a in addresses)
            continue
        chosen.append((contact, addresses[0]))
        if preference == "lead":
            break
    return chosen


class EmailApplier(Applier):
    def objects_are_leads(self, action: Row) -> bool:
        return False

    def apply(self, ctx: Context, action: Row, leads: list[Row]) -> Progress:
        template_spec = resources.get("email_template")
        template = template_spec.service(ctx, template_spec).get(action["template_id"])
        contact_spec = resources.get("contact")
        contacts = Repository(ctx).children(contact_spec, "lead_id", [lead["id"] for lead in leads])
        contacts.sort(key=lambda c: (c["date_created"], c["id"]))
        by_lead: dict[str, list[Row]] = {}
        for contact in contacts:
            by_lead.setdefault(contact["lead_id"], []).append(contact)
        pairs = [
            (lead, contact, address)
            for lead in leads
            for contact, address in recipients(by_lead.get(lead["id"], []), action["contact_preference"])
        ]
        unsubscribed = unsubscribed_among(ctx, [address for _, _, address in pairs])
        email_spec = resources.get("activity/email")
        emails = email_spec.service(ctx, email_spec)
        progress = Progress(objects=len(pairs))
        for lead, contact, address in pairs:
            if address.strip().lower() in unsubscribed:
                progress.skipped += 1
                continue
            try:
                filled = rendered_email(ctx, template["subject"], template["body"], lead["id"], contact["id"])
            except TemplateProblem:
                # A template that cannot be filled for this contact (checked at save, so rare).
                progress.skipped += 1
                continue
            emails.create(self._body(action, template, lead, contact, address, filled))
            progress.processed += 1
        return progress

    def _body(
        self, action: Row, template: Row, lead: Row, contact: Row, address: str, filled: dict[str, Any]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "lead_id": lead["id"],
            "contact_id": contact["id"],
            "status": "outbox",
            "sender": action["sender"],
            "to": [address],
            "subject": filled["subject"],
            "body_html": filled["body"],
            "template_id": template["id"],
        }
        if action["email_account_id"]:
            body["account_id"] = action["email_account_id"]
        return body


register_applier("email", EmailApplier())
