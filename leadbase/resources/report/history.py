"""Status histories in SQL: which status each lead (or opportunity) held at a moment.

An object's history is its creation (date_created, in its first status) and its status change
activities (LeadStatusChange, OpportunityStatusChange: `old_status_id` -> `new_status_id` at
`activity_at`). Its first status is the `old_status_id` of its earliest change, or its current
status when it never changed. Its status at a moment T is the `new_status_id` of its latest
change before T, else its first status if it existed before T, else none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, select
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.selectable import CTE

from leadbase.db.context import Context
from leadbase.db.models import activity


@dataclass(frozen=True)
class Subject:
    """What a status report is about: its table, its change activity and how it is filtered."""

    name: str
    table: Table
    change_type: str
    # The activity column naming the object a change belongs to.
    key: str
    # The column of `table` naming the object's lead (the lead query selects leads).
    lead_column: str
    # The column naming the object's user, when the report filters by one (`user_id`).
    user_column: str | None
    statuses: Callable[[Context], list[dict[str, Any]]]


@dataclass
class History:
    """The CTEs of one report: the objects in scope, their changes and first statuses."""

    objects: CTE
    changes: CTE
    first: CTE

    def status_at(self, moment: datetime | None) -> Select[Any]:
        """(id, status) of every object in scope at `moment` (None: now, after everything)."""
        changes, objects = self.changes, self.objects
        earlier = select(
            changes.c.oid,
            changes.c.new,
            func.row_number()
            .over(partition_by=changes.c.oid, order_by=(changes.c.at.desc(), changes.c.aid.desc()))
            .label("rn"),
        )
        if moment is not None:
            earlier = earlier.where(changes.c.at < moment)
        last = earlier.subquery()
        status = func.coalesce(last.c.new, self.first.c.initial)
        stmt = (
            select(objects.c.id, status.label("status"))
            .select_from(objects)
            .join(self.first, self.first.c.id == objects.c.id)
            .outerjoin(last, and_(last.c.oid == objects.c.id, last.c.rn == 1))
        )
        if moment is not None:
            stmt = stmt.where(objects.c.date_created < moment)
        return stmt


def build(ctx: Context, subject: Subject, where: list[ColumnElement[bool]]) -> History:
    table = subject.table
    objects = (
        select(table.c.id, table.c.date_created, table.c.status_id)
        .where(table.c.organization_id == ctx.organization_id, *where)
        .cte(f"{subject.name}_objects")
    )
    key = activity.c[subject.key]
    changes = (
        select(
            key.label("oid"),
            activity.c.activity_at.label("at"),
            activity.c.id.label("aid"),
            activity.c.payload["old_status_id"].as_string().label("old"),
            activity.c.payload["new_status_id"].as_string().label("new"),
        )
        .where(
            activity.c.organization_id == ctx.organization_id,
            activity.c.type == subject.change_type,
            key.in_(select(objects.c.id)),
        )
        .cte(f"{subject.name}_changes")
    )
    ranked = select(
        changes.c.oid,
        changes.c.old,
        func.row_number()
        .over(partition_by=changes.c.oid, order_by=(changes.c.at, changes.c.aid))
        .label("rn"),
    ).subquery()
    first = (
        select(objects.c.id, func.coalesce(ranked.c.old, objects.c.status_id).label("initial"))
        .select_from(objects)
        .outerjoin(ranked, and_(ranked.c.oid == objects.c.id, ranked.c.rn == 1))
        .cte(f"{subject.name}_first")
    )
    return History(objects, changes, first)
