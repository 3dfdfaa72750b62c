"""Integration links: an organization's links to other tools, shown on its leads, contacts and
opportunities with their URL templates filled in (resources/links.py renders them)."""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, require
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.links import LINK_TYPES, TemplateError, check_template

ADMINS_ONLY = "Your role may not create, edit or delete integration links (it needs manage_customizations)."


class IntegrationLinkService(Service):
    def authorize(self, action: str, row: Row | None) -> None:
        # Close: integration links are customizations (admins and super users); everyone reads them.
        require(self.ctx, MANAGE_CUSTOMIZATIONS, ADMINS_ONLY)

    def _clean(self, body: dict[str, Any], *, creating: bool) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=creating, errors=errors)
        if values.get("type") is not None and values["type"] not in LINK_TYPES:
            errors.add("type", "Not a valid choice: use lead, contact or opportunity.")
        if isinstance(values.get("url"), str) and "url" not in errors.errors:
            try:
                check_template(values["url"])
            except TemplateError as exc:
                errors.add("url", f"Not a valid URL template: {exc}")
        errors.raise_if_any()
        return values

    def validate_create(self, body: dict[str, Any]) -> Row:
        return self._clean(body, creating=True)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        # Close's update schema lets each key be null: null leaves the value as it is.
        return self._clean({k: v for k, v in body.items() if v is not None}, creating=False)
