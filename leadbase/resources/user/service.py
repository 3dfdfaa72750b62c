"""Users who share the caller's organization."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from leadbase.core.clock import iso
from leadbase.core.errors import Invalid, NotFound
from leadbase.db.models import membership, user
from leadbase.db.query import ListQuery
from leadbase.db.repository import Page, Row
from leadbase.db.service import Service
from leadbase.resources.common import full_name

ORDERS = {
    "last_name,first_name": (user.c.last_name, user.c.first_name),
    "first_name,last_name": (user.c.first_name, user.c.last_name),
}


def render_users(rows: list[Row], organizations: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {
            "id": r["id"],
            "email": r["email"],
            "first_name": r["first_name"],
            "last_name": r["last_name"],
            "display_name": full_name(r["first_name"], r["last_name"]) or r["email"],
            "image": r["image"],
            "organizations": organizations.get(r["id"], []),
            "date_created": iso(r["date_created"]),
            "date_updated": iso(r["date_updated"]),
        }
        for r in rows
    ]


class UserService(Service):
    def _members(self) -> Select[Any]:
        # The one query that reads `user` rows: scoped through the caller's memberships.
        return (
            select(user)
            .join(membership, membership.c.user_id == user.c.id)
            .where(membership.c.organization_id == self.ctx.organization_id)
        )

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        # Users are read-only through the API: nothing here is read to be written.
        row = self.ctx.conn.execute(self._members().where(user.c.id == object_id)).mappings().first()
        if row is None:
            raise NotFound.for_model("User")
        return dict(row)

    def list_page(self, query: ListQuery, params: Mapping[str, str]) -> Page:
        order = params.get("_order_by", "").replace(" ", "")
        columns = ORDERS.get(order.lstrip("-"))
        if order and columns is None:
            raise Invalid({"_order_by": "Use last_name,first_name or first_name,last_name."})
        stmt = self._members().order_by(*(columns or (user.c.date_created,)), user.c.id)
        rows = [
            dict(r) for r in self.ctx.conn.execute(stmt.offset(query.skip).limit(query.limit + 1)).mappings()
        ]
        return Page(rows[: query.limit], has_more=len(rows) > query.limit)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        ids = [r["id"] for r in rows]
        organizations: dict[str, list[str]] = {}
        if ids:
            # Only organizations the caller shares are revealed.
            for m in self.ctx.conn.execute(
                select(membership.c.user_id, membership.c.organization_id).where(
                    membership.c.user_id.in_(ids), membership.c.organization_id == self.ctx.organization_id
                )
            ):
                organizations.setdefault(m.user_id, []).append(m.organization_id)
        return render_users(rows, organizations)
