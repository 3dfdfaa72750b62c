"""The generic service: create, update and delete through the repository, with events.

A resource's own service subclasses this and overrides the hooks it needs; the generic
layer never names a resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from leadbase.core.errors import Invalid, LeadbaseError
from leadbase.db.context import Context
from leadbase.db.integrity import violations_as
from leadbase.db.query import ListQuery
from leadbase.db.repository import Page, Repository, Row, diff
from leadbase.db.resource import ResourceSpec


class Service:
    # Constraint name -> the error a write that violates it answers: the one the request would
    # get had it come second instead of racing (see db/integrity.py).
    violations: Mapping[str, Callable[[], LeadbaseError]] = {}

    def __init__(self, ctx: Context, spec: ResourceSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        self.repo = Repository(ctx)

    # ---- hooks ---------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        """Public representations of a page of rows, loading related data in batches."""
        raise NotImplementedError

    def list_page(self, query: ListQuery, params: Mapping[str, str]) -> Page:
        """One page of rows; `params` carries resource-specific query parameters."""
        return self.repo.list_page(self.spec, query)

    def validate_create(self, body: dict[str, Any]) -> Row:
        """Column values for a new row, or Invalid."""
        raise NotImplementedError

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        """Column values that change, or Invalid (PUT is partial)."""
        raise NotImplementedError

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        """Create what hangs off the new row (nested contacts...), before its event."""

    def after_update(self, before: Row, after: Row) -> None:
        """Side effects of an update that changed something."""

    def before_delete(self, row: Row) -> None:
        """Remove dependants (each with its own event) before the row goes."""

    def after_delete(self, row: Row) -> None:
        """Side effects on others once the row is gone."""

    # ---- the write path ------------------------------------------------------------------

    def render_one(self, row: Row) -> dict[str, Any]:
        return self.render([row])[0]

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        return self.repo.get(self.spec, object_id, lock=lock)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        values = self.validate_create(body)
        with violations_as(self.violations):
            row = self.repo.insert_row(self.spec, values)
        self.after_create(row, body)
        data = self.render_one(row)
        self.repo.record(self.spec, row, "created", data=data, previous_data={})
        return data

    def update(self, row: Row, body: dict[str, Any]) -> dict[str, Any]:
        # The merge below (custom values, `.add` on multi-value fields) starts from the row's
        # current version, held until commit: no concurrent update is lost.
        row = self.repo.lock(self.spec, row)
        before = self.render_one(row)
        values = self.validate_update(row, body)
        values = {k: v for k, v in values.items() if row.get(k) != v}
        if not values:
            return before
        with violations_as(self.violations):
            new_row = self.repo.update_row(self.spec, row, values)
        after = self.render_one(new_row)
        self.record_change(new_row, before, after)
        self.after_update(row, new_row)
        return after

    def delete(self, row: Row) -> None:
        # Locked first: what hangs off the row is listed (and removed) after any write that
        # added to it has committed, and none can add to it until this one has.
        row = self.repo.lock(self.spec, row)
        data = self.render_one(row)
        self.before_delete(row)
        self.repo.delete_row(self.spec, row)
        self.repo.record(self.spec, row, "deleted", data=None, previous_data=data)
        self.after_delete(row)

    def record_change(self, row: Row, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
        """Record an `updated` event for what differs between two representations, if anything."""
        changed = diff(before, after)
        if changed:
            self.repo.record(
                self.spec,
                row,
                "updated",
                data=after,
                previous_data={k: before.get(k) for k in changed},
                changed_fields=changed,
            )
        return changed

    def touch(self, row: Row, before: dict[str, Any]) -> None:
        """Record that a row's representation changed through a dependant (its contact_ids).

        `before` is the representation taken before the dependant changed, from the row read
        with `lock=True` (or `lock`ed) so that the event's previous_data is the latest state.
        """
        new_row = self.repo.update_row(self.spec, row, {"updated_by": self.ctx.actor.user_id})
        after = self.render_one(new_row)
        self.record_change(new_row, before, after)


def require_object(body: Any) -> dict[str, Any]:
    """The JSON body of a create or update must be an object."""
    if not isinstance(body, dict):
        raise Invalid(errors=["The request body must be a JSON object."])
    return body
