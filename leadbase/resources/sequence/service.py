"""Sequences ("Workflows" in Close's app): named, ordered steps with a timezone and sending hours.

Editing a sequence that has subscriptions is allowed, as in Close: a subscription goes on with
the steps it has not run yet, in the new order (a removed step is skipped, a new one runs when
its turn comes), and a change of status, steps, timezone or schedule re-arms the sequence's
active subscriptions in one background job. A paused sequence runs no step; its subscriptions
keep their own status and go on when it is active again. A sequence with active or paused
subscriptions cannot be deleted; deleting one deletes its finished subscriptions with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from leadbase.core.errors import Invalid
from leadbase.db import jobs
from leadbase.db.models import sequence_subscription
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.sequence.steps import steps_cleaner

STATUSES = ("active", "paused")
SUBSCRIPTION_STATUSES = ("active", "paused", "finished", "goal", "error")
# What re-arms the active subscriptions when it changes.
TIMING = ("status", "steps", "timezone", "schedule")
RESCHEDULE = "sequence.reschedule"
STILL_RUNNING = "This workflow has active or paused subscriptions: finish them before deleting it."


def subscription_counts(ctx: Any, ids: list[str]) -> dict[str, dict[str, int]]:
    """Per sequence, how many subscriptions are in each status: one grouped query."""
    counts: dict[str, dict[str, int]] = {i: dict.fromkeys(SUBSCRIPTION_STATUSES, 0) for i in ids}
    if not ids:
        return counts
    table = sequence_subscription
    rows = ctx.conn.execute(
        select(table.c.sequence_id, table.c.status, func.count())
        .where(table.c.organization_id == ctx.organization_id, table.c.sequence_id.in_(ids))
        .group_by(table.c.sequence_id, table.c.status)
    )
    for sequence_id, status, n in rows:
        counts[sequence_id][status] = int(n)
    return counts


class SequenceService(Service):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        counts = subscription_counts(self.ctx, [r["id"] for r in rows]) if self._shows_counts() else {}
        computed: dict[str, Callable[[Row], Any]] = {
            "steps": lambda row: [dict(s) for s in row["steps"] or ()],
            "schedule_id": lambda _row: None,
            "trigger_query": lambda _row: None,
            "owner_id": lambda row: row["created_by"],
            "subscription_counts_by_status": lambda row: counts.get(
                row["id"], dict.fromkeys(SUBSCRIPTION_STATUSES, 0)
            ),
        }
        fields = self._fields()
        return [fields.render(r, computed) for r in rows]

    def _shows_counts(self) -> bool:
        return self.ctx.shown is None or "subscription_counts_by_status" in self.ctx.shown

    def _cleaners(self, row: Row | None) -> dict[str, Callable[[Any], Any]]:
        return {"steps": steps_cleaner(self.ctx, list(row["steps"]) if row is not None else [])}

    def validate_create(self, body: dict[str, Any]) -> Row:
        return self._fields().clean(body, creating=True, cleaners=self._cleaners(None))

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = self._fields().clean(body, creating=False, cleaners=self._cleaners(row))
        for key in ("status", "allow_manual_enrollment"):
            if key in values and values[key] is None:
                del values[key]
        return values

    def after_update(self, before: Row, after: Row) -> None:
        if any(before.get(k) != after.get(k) for k in TIMING) and after["status"] == "active":
            # One job walks the subscriptions, however many there are.
            jobs.enqueue(self.ctx, RESCHEDULE, {"sequence_id": after["id"]})

    def before_delete(self, row: Row) -> None:
        table = sequence_subscription
        running = self.ctx.conn.execute(
            select(table.c.id)
            .where(
                table.c.organization_id == self.ctx.organization_id,
                table.c.sequence_id == row["id"],
                table.c.status.in_(("active", "paused")),
            )
            .limit(1)
        ).first()
        if running is not None:
            raise Invalid(errors=[STILL_RUNNING])
