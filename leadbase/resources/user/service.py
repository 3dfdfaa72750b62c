"""Users who share the caller's organization."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Select, select

from leadbase.core.errors import Invalid, NotFound
from leadbase.db.filters import Filter
from leadbase.db.models import membership, user
from leadbase.db.query import ListQuery, Ordering
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import full_name

ORDERS = ("last_name,first_name", "first_name,last_name")


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

    def scope(self) -> Select[Any]:
        return self._members()

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        # Close documents two orders, each a pair of names, both ascending.
        order = params.get("_order_by", "").replace(" ", "")
        if order and order.lstrip("-") not in ORDERS:
            raise Invalid({"_order_by": "Use last_name,first_name or first_name,last_name."})
        if order:
            query.order_by = [Ordering(name) for name in order.lstrip("-").split(",")]
        return None

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
        computed: dict[str, Callable[[Row], Any]] = {
            "display_name": lambda r: full_name(r["first_name"], r["last_name"]) or r["email"],
            "organizations": lambda r: organizations.get(r["id"], []),
        }
        fields = self._fields()
        return [fields.render(r, computed) for r in rows]
