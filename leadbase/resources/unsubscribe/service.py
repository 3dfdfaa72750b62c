"""Unsubscribed emails: addresses the organization's bulk and sequence emails must skip.

An address is stored lower-cased and normalized, so `Ann@Acme.test` and `ann@acme.test` are one
unsubscription. Sending asks `resources.outreach.unsubscribed_among`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import FieldErrors, NotFound
from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.db.service import Service

MAX_LENGTH = 500


def email_address(value: Any) -> str:
    if value is None:
        raise Problem("This field may not be null.")
    if not isinstance(value, str):
        raise Problem("Not a valid string.")
    if len(value) > MAX_LENGTH:
        raise Problem(f"Longer than the maximum of {MAX_LENGTH} characters.")
    try:
        return normalized_email(value.strip()).lower()
    except EmailNotValidError as exc:
        raise Problem("Not a valid email address.") from exc


class UnsubscribedEmailService(Service):
    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        # Close's schema for this body allows no other key.
        for key in body:
            if key != "email":
                errors.add(key, "Unknown field.")
        values = self._fields().clean(body, creating=True, errors=errors)
        errors.raise_if_any()
        return values

    def find(self, address: str) -> Row | None:
        table = self.spec.table
        row = self.ctx.conn.execute(
            select(table).where(table.c.organization_id == self.ctx.organization_id, table.c.email == address)
        ).first()
        return dict(row._mapping) if row is not None else None

    def unsubscribe(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST: the address unsubscribed (once: unsubscribing it again changes nothing)."""
        values = self.validate_create(body)
        existing = self.find(values["email"])
        if existing is not None:
            return self.render_one(existing)
        return self.create(body)

    def resubscribe(self, address: str) -> dict[str, Any]:
        """DELETE: the address subscribed again; 404 when it was not unsubscribed."""
        try:
            normalized = email_address(address)
        except Problem as exc:
            raise NotFound("This email address is not unsubscribed.") from exc
        row = self.find(normalized)
        if row is None:
            raise NotFound("This email address is not unsubscribed.")
        shown = self.render_one(row)
        self.delete(row)
        return shown
