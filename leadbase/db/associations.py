"""Custom field associations (where a field applies): their rows, scoped to the caller's organization.

An association is not a resource of its own (it shows inside its field), so it has no spec;
this is its repository. `custom_fields/placements.py` decides what to write, and replaces the
organization's settings version after each write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, insert, select, update

from leadbase.core import clock
from leadbase.core.ids import new_id
from leadbase.db.context import Context
from leadbase.db.models import custom_field_association as table


class Associations:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _where(
        self, field_id: str | None = None, object_type: str | None = None, type_id: str | None = None
    ) -> ColumnElement[bool]:
        conditions = [table.c.organization_id == self.ctx.organization_id]
        if field_id is not None:
            conditions.append(table.c.field_id == field_id)
        if object_type is not None:
            conditions += [table.c.object_type == object_type, table.c.type_id == type_id]
        return and_(*conditions)

    def add(self, field_id: str, object_type: str, type_id: str, **values: Any) -> None:
        """A new association, last in its placement's display order."""
        last = self.ctx.conn.execute(
            select(func.coalesce(func.max(table.c.position), -1)).where(
                self._where(object_type=object_type, type_id=type_id)
            )
        ).scalar_one()
        now = clock.now()
        self.ctx.conn.execute(
            insert(table).values(
                organization_id=self.ctx.organization_id,
                id=new_id("cfa"),
                field_id=field_id,
                object_type=object_type,
                type_id=type_id,
                position=int(last) + 1,
                date_created=now,
                date_updated=now,
                created_by=self.ctx.actor.user_id,
                updated_by=self.ctx.actor.user_id,
                **values,
            )
        )

    def change(
        self,
        field_id: str,
        values: dict[str, Any],
        object_type: str | None = None,
        type_id: str | None = None,
    ) -> None:
        """Change a field's association in one placement (or all of its associations)."""
        self.ctx.conn.execute(
            update(table)
            .where(self._where(field_id, object_type, type_id))
            .values(**values, date_updated=clock.now(), updated_by=self.ctx.actor.user_id)
        )

    def remove(self, field_id: str, object_type: str | None = None, type_id: str | None = None) -> None:
        """Remove a field's association in one placement, or all of them."""
        self.ctx.conn.execute(delete(table).where(self._where(field_id, object_type, type_id)))

    def set_order(self, object_type: str, type_id: str, field_ids: Sequence[str]) -> None:
        """Number the placement's associations in the order of `field_ids`."""
        stmt = (
            update(table)
            .where(
                table.c.organization_id == bindparam("tenant"),
                table.c.object_type == bindparam("placement_type"),
                table.c.type_id == bindparam("placement_id"),
                table.c.field_id == bindparam("association_field"),
            )
            .values(position=bindparam("new_position"))
        )
        self.ctx.conn.execute(
            stmt,
            [
                {
                    "tenant": self.ctx.organization_id,
                    "placement_type": object_type,
                    "placement_id": type_id,
                    "association_field": field_id,
                    "new_position": position,
                }
                for position, field_id in enumerate(field_ids)
            ],
        )
