"""Memberships: a user in the organization, with a role and the member's settings.

Adding a member is `ensure`: the user is found by email (or made), and their membership made
or reactivated. Roles and settings change through the generic update; pinned smart views
through `pin`.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from leadbase.core import clock
from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import FieldErrors, Forbidden, Invalid
from leadbase.db.models import membership, user
from leadbase.db.permissions import MANAGE_ORGANIZATION, custom_roles, has, is_role, require, role_permissions
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import render_membership

SAVED_VIEW_ID = re.compile(r"^save_[0-9A-Za-z]{1,60}$")
MAY_NOT_MANAGE = "Your role may not manage the organization's members."


class MembershipService(Service):
    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        users = {
            u.id: u
            for u in self.ctx.conn.execute(
                select(user.c.id, user.c.email, user.c.first_name, user.c.last_name, user.c.image).where(
                    user.c.id.in_({r["user_id"] for r in rows})
                )
            )
        }
        out = []
        for r in rows:
            u = users.get(r["user_id"])
            person = {
                "email": u.email if u else None,
                "first_name": u.first_name if u else None,
                "last_name": u.last_name if u else None,
                "image": u.image if u else None,
            }
            out.append(render_membership(self.ctx, SimpleNamespace(**r, **person)))
        return out

    # ---- writing -------------------------------------------------------------------------

    def authorize(self, action: str, row: Row | None) -> None:
        # A member may change their own settings; roles and everyone else's need the permission
        # (checked again in validate_update for role changes).
        if action == "update" and row is not None and row["user_id"] == self.ctx.actor.user_id:
            return
        require(self.ctx, MANAGE_ORGANIZATION, MAY_NOT_MANAGE)

    def _role(self, value: Any, errors: FieldErrors, *, adding: bool) -> None:
        if not is_role(self.ctx, value):
            errors.add("role_id", "Use admin, superuser, user, restricteduser or the id of a custom role.")
        elif adding and MANAGE_ORGANIZATION in role_permissions(self.ctx, value):
            # Close: a member added through the API may not be given organization management.
            errors.add(
                "role_id", "A member added through the API may not get a role that manages the organization."
            )

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=True, errors=errors)
        if "role_id" in values:
            self._role(values["role_id"], errors, adding=True)
        email = values.pop("email", None)
        if isinstance(email, str):
            try:
                values["email"] = normalized_email(email).lower()
            except EmailNotValidError:
                errors.add("email", "Enter a valid email address.")
        errors.raise_if_any()
        return values

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(body, creating=False, errors=errors)
        values.pop("email", None)
        if "role_id" in values and values["role_id"] != row["role_id"]:
            if not has(self.ctx, MANAGE_ORGANIZATION):
                raise Forbidden(MAY_NOT_MANAGE)
            self._role(values["role_id"], errors, adding=False)
            if not errors and not self._keeps_a_manager(row, values["role_id"]):
                errors.add("role_id", "The organization needs at least one active member who manages it.")
        errors.raise_if_any()
        return values

    def _keeps_a_manager(self, row: Row, new_role: str) -> bool:
        """After `row` takes `new_role`, some active member can still manage the organization."""
        if MANAGE_ORGANIZATION in role_permissions(self.ctx, new_role):
            return True
        if MANAGE_ORGANIZATION not in role_permissions(self.ctx, row["role_id"]):
            return True
        managing = ["admin", *(i for i, p in custom_roles(self.ctx).items() if MANAGE_ORGANIZATION in p)]
        others = self.ctx.conn.execute(
            select(func.count())
            .select_from(membership)
            .where(
                membership.c.organization_id == self.ctx.organization_id,
                membership.c.is_active.is_(True),
                membership.c.role_id.in_(managing),
                membership.c.id != row["id"],
            )
        ).scalar_one()
        return int(others) > 0

    def ensure(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /membership/: an active membership for the email, made or reactivated (with the
        role given), and the user made first when no user has the address."""
        with self.unit.operation():
            self.authorize("create", None)
            values = self.validate_create(body)
            email = values.pop("email")
            user_id = self.ctx.conn.execute(select(user.c.id).where(user.c.email == email)).scalar()
            existing = None
            if user_id is None:
                user_id = self._new_user(email)
            else:
                existing = (
                    self.ctx.conn.execute(
                        select(membership).where(
                            membership.c.organization_id == self.ctx.organization_id,
                            membership.c.user_id == user_id,
                        )
                    )
                    .mappings()
                    .first()
                )
            if existing is None:
                row = self.insert({**values, "user_id": user_id, "is_active": True})
            else:
                row = self.unit.changing(self.spec, dict(existing))
                changes = {"role_id": values["role_id"], "is_active": True}
                changes = {k: v for k, v in changes.items() if row.get(k) != v}
                if changes:
                    self.change(row, changes)
        return self.unit.result(self.spec, row)

    def _new_user(self, email: str) -> str:
        user_spec = self.spec.parent("user_id")
        now = clock.now()
        new = self.repo.insert_row(
            user_spec,
            {"email": email, "first_name": None, "last_name": None, "date_created": now, "date_updated": now},
        )
        return str(new["id"])

    # ---- pinned views ----------------------------------------------------------------------

    def may_see_pins(self, row: Row) -> None:
        if row["user_id"] != self.ctx.actor.user_id:
            require(self.ctx, MANAGE_ORGANIZATION, MAY_NOT_MANAGE)

    def pin(self, row: Row, body: dict[str, Any]) -> list[str]:
        """Replace the membership's pinned smart views (ordered ids)."""
        ids = body.get("saved_view_ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) and SAVED_VIEW_ID.match(i) for i in ids):
            raise Invalid.field("saved_view_ids", "Expected a list of smart view ids (save_...).")
        if len(ids) != len(set(ids)):
            raise Invalid.field("saved_view_ids", "A smart view may be pinned only once.")
        with self.unit.operation():
            self.may_see_pins(row)
            row = self.unit.changing(self.spec, row)
            if list(row.get("pinned_view_ids") or []) != ids:
                self.change(row, {"pinned_view_ids": ids})
        return list(ids)
