"""Roles: Close's four built-in roles (not editable) and the organization's custom roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.models import membership, organization
from leadbase.db.permissions import (
    BUILT_IN_ROLES,
    MANAGE_ORGANIZATION,
    PERMISSIONS,
    VIEW_ALL_LEADS,
    BuiltInRole,
    require,
)
from leadbase.db.repository import Row
from leadbase.db.service import Service

BEHAVIORS = ("require_assignment", "allow_unassigned")
BUILT_IN_NOT_EDITABLE = "This is a built-in role: it cannot be changed or deleted."


class RoleService(Service):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        return [fields.render(r, lambda f, row: row["id"] not in BUILT_IN_ROLES) for r in rows]

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        built_in = BUILT_IN_ROLES.get(object_id)
        if built_in is not None:
            return self.built_in_rows([built_in])[0]
        return super().get(object_id, lock=lock)

    def built_in_rows(self, roles: list[BuiltInRole]) -> list[Row]:
        """Rows for built-in roles: they exist since the organization does."""
        created = self.ctx.conn.execute(
            select(organization.c.date_created).where(organization.c.id == self.ctx.organization_id)
        ).scalar_one()
        return [
            {
                "id": r.id,
                "name": r.name,
                "permissions": sorted(r.permissions),
                "visibility_user_lcf_ids": None,
                "visibility_user_lcf_behavior": None,
                "organization_id": self.ctx.organization_id,
                "date_created": created,
                "date_updated": created,
                "created_by": None,
                "updated_by": None,
            }
            for r in roles
        ]

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_ORGANIZATION, "Your role may not manage roles.")
        if row is not None and row["id"] in BUILT_IN_ROLES:
            raise Invalid(errors=[BUILT_IN_NOT_EDITABLE])

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=True, errors=errors)
        self._check(values, errors)
        errors.raise_if_any()
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=False, errors=errors)
        self._check({**row, **values}, errors, changed=values)
        errors.raise_if_any()
        return values

    def _check(self, role: Row, errors: FieldErrors, changed: Row | None = None) -> None:
        """Known permissions (each once), and lead visibility set exactly when the role cannot see
        every lead."""
        permissions = role.get("permissions") or []
        if not isinstance(permissions, list):
            errors.add("permissions", "Expected a list of permissions.")
            return
        ids = role.get("visibility_user_lcf_ids") or []
        if not isinstance(ids, list):
            errors.add("visibility_user_lcf_ids", "Expected a list of lead custom field ids.")
            return
        if changed is None or "permissions" in changed:
            unknown = [p for p in permissions if not isinstance(p, str) or p not in PERMISSIONS]
            if unknown:
                errors.add("permissions", f"Unknown permissions: {', '.join(map(str, unknown))}.")
                return
            deduplicated = list(dict.fromkeys(permissions))
            if changed is None:
                role["permissions"] = deduplicated
            else:
                changed["permissions"] = deduplicated
        behavior = role.get("visibility_user_lcf_behavior")
        if VIEW_ALL_LEADS in permissions:
            if ids:
                errors.add("visibility_user_lcf_ids", "Must be empty for a role that can view all leads.")
            if behavior:
                errors.add(
                    "visibility_user_lcf_behavior", "Must be empty for a role that can view all leads."
                )
            return
        if behavior not in BEHAVIORS:
            errors.add(
                "visibility_user_lcf_behavior",
                f"A role that cannot view all leads needs one of: {', '.join(BEHAVIORS)}.",
            )
        if not all(isinstance(i, str) and i.startswith("cf_") for i in ids):
            errors.add("visibility_user_lcf_ids", "Expected a list of lead custom field ids.")

    def before_delete(self, row: Row) -> None:
        in_use = self.ctx.conn.execute(
            select(membership.c.id)
            .where(
                membership.c.organization_id == self.ctx.organization_id,
                membership.c.role_id == row["id"],
                membership.c.is_active.is_(True),
            )
            .limit(1)
        ).first()
        if in_use is not None:
            raise Invalid(errors=["Members have this role: give them another role before deleting it."])
