"""The leads a bulk action selected: written once, in processing order, then read batch by batch.

The selection is a query the caller builds (the search engine's condition and order); it is
copied into `bulk_action_lead` by one INSERT ... SELECT, numbered by `row_number()` in the
query's order, so no id list passes through Python whatever its size. Batches are read by
position, so a job that stops (a crash, a retry, a pause) goes on where it left off.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, insert, literal, select

from leadbase.db.context import Context
from leadbase.db.models import bulk_action_lead


def store(
    ctx: Context,
    action_id: str,
    table: Table,
    condition: ColumnElement[bool],
    order: list[Any],
    limit: int | None,
) -> int:
    """Write the ids of `table`'s rows matching `condition` (in `order`, at most `limit`); how many."""
    t = bulk_action_lead
    ctx.conn.execute(delete(t).where(t.c.bulk_action_id == action_id))
    ranked = select(
        table.c.id.label("lead_id"), func.row_number().over(order_by=order).label("position")
    ).where(condition)
    if limit is not None:
        ranked = ranked.order_by(*order).limit(limit)
    chosen = ranked.subquery()
    source = select(
        literal(action_id).label("bulk_action_id"),
        chosen.c.position,
        literal(ctx.organization_id).label("organization_id"),
        chosen.c.lead_id,
    )
    ctx.conn.execute(
        insert(t).from_select(["bulk_action_id", "position", "organization_id", "lead_id"], source)
    )
    counted = select(func.count()).select_from(t).where(t.c.bulk_action_id == action_id)
    return int(ctx.conn.execute(counted).scalar_one())


def batch(ctx: Context, action_id: str, after: int, size: int) -> list[tuple[int, str]]:
    """(position, lead id) of the next `size` selected leads after position `after`."""
    t = bulk_action_lead
    rows = ctx.conn.execute(
        select(t.c.position, t.c.lead_id)
        .where(
            t.c.bulk_action_id == action_id, t.c.organization_id == ctx.organization_id, t.c.position > after
        )
        .order_by(t.c.position)
        .limit(size)
    )
    return [(int(r.position), str(r.lead_id)) for r in rows]


def clear(ctx: Context, action_id: str) -> None:
    """Forget a finished action's selection (its counts stay on the action)."""
    t = bulk_action_lead
    ctx.conn.execute(
        delete(t).where(t.c.bulk_action_id == action_id, t.c.organization_id == ctx.organization_id)
    )
