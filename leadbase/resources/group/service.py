"""Groups of users: a unique name and members, managed by roles that manage the organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadbase.core.errors import Invalid
from leadbase.core.names import name_key
from leadbase.db.models import membership, user_group
from leadbase.db.permissions import MANAGE_ORGANIZATION, require
from leadbase.db.repository import Row
from leadbase.db.service import Service

MAY_NOT_MANAGE = "Your role may not manage groups."


def name_taken() -> Invalid:
    return Invalid.field("name", "A group with this name already exists.")


class GroupService(Service):
    violations = {"uq_user_group_organization_id_name_key": name_taken}

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        members = self.embedded(rows)["members"]
        return [
            self._fields().render(r, lambda f, row: members.get(row["id"], []))  # only `members` is computed
            for r in rows
        ]

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_ORGANIZATION, MAY_NOT_MANAGE)

    def _unique(self, name: str, own_id: str | None = None) -> str:
        key = name_key(name)
        taken = self.ctx.conn.execute(
            select(user_group.c.id).where(
                user_group.c.organization_id == self.ctx.organization_id,
                user_group.c.name_key == key,
                user_group.c.id != (own_id or ""),
            )
        ).first()
        if taken is not None:
            raise name_taken()
        return key

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = super().validate_create(body)
        return {**values, "name_key": self._unique(values["name"])}

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = super().validate_update(row, body)
        if "name" in values:
            values["name_key"] = self._unique(values["name"], own_id=row["id"])
        return values

    # ---- members -------------------------------------------------------------------------

    def add_member(self, group: Row, body: dict[str, Any]) -> dict[str, Any]:
        """Idempotent: a user already in the group stays, once."""
        user_id = body.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise Invalid.field("user_id", "This field is required.")
        member_spec = self.spec.embedded("members")
        with self.unit.operation():
            self.authorize("update", group)
            is_member = self.ctx.conn.execute(
                select(membership.c.id).where(
                    membership.c.organization_id == self.ctx.organization_id,
                    membership.c.user_id == user_id,
                    membership.c.is_active.is_(True),
                )
            ).first()
            if is_member is None:
                raise Invalid.field("user_id", "Not an active member of the organization.")
            current = self.repo.children(member_spec, "group_id", [group["id"]])
            if all(m["user_id"] != user_id for m in current):
                member_spec.service(self.ctx, member_spec).insert(
                    {"group_id": group["id"], "user_id": user_id}
                )
        return {"user_id": user_id}

    def remove_member(self, group: Row, user_id: str) -> None:
        """Idempotent: removing a user who is not in the group changes nothing."""
        member_spec = self.spec.embedded("members")
        with self.unit.operation():
            self.authorize("update", group)
            for m in self.repo.children(member_spec, "group_id", [group["id"]]):
                if m["user_id"] == user_id:
                    member_spec.service(self.ctx, member_spec).remove(m)


class GroupMemberService(Service):
    pass
