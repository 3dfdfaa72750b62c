"""Blocked phone numbers: numbers that may neither be called nor call in, and the organization's
one setting beside them (whether anonymous inbound calls are rejected).

Numbers are stored in E.164, so `+1 (415) 555-0100` and `+14155550100` are one block. Calling and
texting ask `resources.outreach.blocked_among`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.permissions import MANAGE_ORGANIZATION, require
from leadbase.db.repository import Row
from leadbase.db.service import Service


class BlockedPhoneNumberService(Service):
    def _taken(self, phone: str, errors: FieldErrors) -> None:
        table = self.spec.table
        found = self.ctx.conn.execute(
            select(table.c.id).where(
                table.c.organization_id == self.ctx.organization_id, table.c.phone == phone
            )
        ).first()
        if found is not None:
            errors.add("phone", "This phone number is already blocked.")

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=True, errors=errors)
        if isinstance(values.get("phone"), str):
            self._taken(values["phone"], errors)
        errors.raise_if_any()
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        # Close's update takes the reason only; the number of a block never changes.
        return self._fields().clean({k: v for k, v in body.items() if k == "reason"}, creating=False)

    violations = {
        "uq_blocked_phone_number_organization_id_phone": lambda: Invalid(
            field_errors={"phone": "This phone number is already blocked."}
        )
    }


class BlockedPhoneSettingService(Service):
    """The organization's one settings row, made by its first write (no row: the defaults)."""

    DEFAULTS: Row = {"reject_anonymous_inbound_calls": False}

    def current(self) -> Row | None:
        table = self.spec.table
        row = self.ctx.conn.execute(
            select(table).where(table.c.organization_id == self.ctx.organization_id)
        ).first()
        return dict(row._mapping) if row is not None else None

    def show(self) -> dict[str, Any]:
        row = self.current()
        return self.render_one(row) if row is not None else dict(self.DEFAULTS)

    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        row = self.current()
        if row is None:
            return self.create(body)
        return self.update(row, body)

    def authorize(self, action: str, row: Row | None) -> None:
        # An organization-wide call setting: the organization's managers change it.
        require(self.ctx, MANAGE_ORGANIZATION)

    def validate_create(self, body: dict[str, Any]) -> Row:
        return self._fields().clean({**self.DEFAULTS, **body}, creating=True)
