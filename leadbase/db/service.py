"""The generic service: the write template (create, update, delete) over the unit of work.

A resource's own service subclasses this and overrides the hooks it needs; the generic
layer never names a resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select

from leadbase.core.errors import Invalid, LeadbaseError
from leadbase.db.context import Context
from leadbase.db.fields import Fields
from leadbase.db.filters import Filter, all_of
from leadbase.db.integrity import violations_as
from leadbase.db.query import ListQuery
from leadbase.db.repository import Page, Repository, Row
from leadbase.db.resource import Parent, ResourceSpec

if TYPE_CHECKING:
    from leadbase.db.unit import UnitOfWork


class Service:
    # Constraint name -> the error a write that violates it answers: the one the request would
    # get had it come second instead of racing (see db/integrity.py).
    violations: Mapping[str, Callable[[], LeadbaseError]] = {}
    # Whether `render` keeps what a row alone decides from one read to the next (db/kept.py):
    # the repository then remembers the driver tuple of each row it reads for this resource.
    keeps_renderings = False

    def __init__(self, ctx: Context, spec: ResourceSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        self.repo = Repository(ctx)

    # ---- hooks ---------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        """Public representations of a page of rows, loading related data in batches."""
        fields = self._fields()
        return [fields.render(r) for r in rows]

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        """What resource-specific list parameters add to the filter tree (may set the order)."""
        return None

    def list_extras(self, query: ListQuery) -> dict[str, Any]:
        """Keys a list answers beside `data` (the totals of the opportunities a list matches);
        called after `list_page`, so `query.where` holds what `list_filter` added."""
        return {}

    def scope(self) -> Select[Any] | None:
        """The rows a list starts from when they are not the organization's rows of the table."""
        return None

    def list_page(self, query: ListQuery, params: Mapping[str, str]) -> Page:
        """One page of rows: the declared filters, and what `list_filter` adds."""
        extra = self.list_filter(query, params)
        if extra is not None:
            query.where = all_of([t for t in (query.where, extra) if t is not None])
        return self.repo.list_page(self.spec, query, base=self.scope())

    def validate_create(self, body: dict[str, Any]) -> Row:
        """Column values for a new row, or Invalid."""
        return self._fields().clean(body, creating=True)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        """Column values that change, or Invalid (PUT is partial)."""
        return self._fields().clean(body, creating=False)

    def validate_embedded(self, body: Any, parent_id: str | None) -> Row:
        """Column values of a child posted inside its parent's body (a lead's `contacts`), not
        naming the parent: `parent_id` is None while the parent's own body is being checked."""
        return self.validate_create(require_object(body))

    def _fields(self) -> Fields:
        if self.spec.fields is None:
            raise NotImplementedError(f"{self.spec.path} declares no fields: its service must say how")
        return self.spec.fields

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        """Create what hangs off the new row (nested contacts...), inside the same unit."""

    def after_update(self, before: Row, after: Row) -> None:
        """Side effects of an update that changed something."""

    def before_delete(self, row: Row) -> None:
        """Checks and clean-up before the row goes (its declared children go by themselves)."""

    def delete_dependants(self, row: Row) -> None:
        """Remove what depends on the row without being a declared child, after the children."""

    def after_delete(self, row: Row) -> None:
        """Side effects on others once the row is gone by a delete of its own (not a cascade)."""

    def watch(self, action: str, row: Row | None) -> None:
        """Register with the unit what may change through this write besides its own objects
        (`self.unit.watch`: the custom types that show a field). Called after `authorize`."""

    def update_outside(self, row: Row, body: dict[str, Any]) -> bool:
        """Writes of an update that live outside the row (a type's field order, a field's association
        settings); True when they changed something, which counts as a change of the row."""
        return False

    def authorize(self, action: str, row: Row | None) -> None:
        """Raise Forbidden if the caller may not `action` (create, update, delete) this object.

        Called for the object a request names, not for the children a delete cascades to:
        whoever may delete the parent may delete what lives on it. Roles fill this in.
        """

    # ---- the write path ------------------------------------------------------------------

    @property
    def unit(self) -> UnitOfWork:
        return self.ctx.unit

    def embedded(self, rows: list[Row]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """For each declared embedded relation, each row's children rendered: one query per relation."""
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        ids = [r["id"] for r in rows]
        # The children look up the parents they name (an opportunity's lead) among these rows,
        # and those of the relations rendered before them (its contact), not in the database.
        with self.repo.rows_known():
            self.repo.know(self.spec, rows)
            for embed in self.spec.embeds:
                if not embed.needed(self.ctx.shown):
                    out[embed.name] = {}
                    continue
                child = embed.spec
                children = self.repo.children(child, embed.column, ids, only=embed.only)
                self.repo.know(child, children)
                rendered = child.service(self.ctx, child).render(children) if children else []
                by_parent: dict[str, list[dict[str, Any]]] = {}
                for child_row, data in zip(children, rendered, strict=True):
                    by_parent.setdefault(child_row[embed.column], []).append(data)
                out[embed.name] = by_parent
        return out

    def embedded_fields(
        self, embedded: dict[str, dict[str, list[dict[str, Any]]]]
    ) -> dict[str, Callable[[Row], Any]]:
        """Computed-field functions showing each embedded relation's children (from `embedded`)."""
        return {name: _children_of(by_parent) for name, by_parent in embedded.items()}

    def render_one(self, row: Row) -> dict[str, Any]:
        return self.render([row])[0]

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        return self.repo.get(self.spec, object_id, lock=lock)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.unit.operation():
            self.authorize("create", None)
            self.watch("create", None)
            row = self.insert(self.validate_create(body))
            self.after_create(row, body)
        return self.unit.result(self.spec, row)

    def insert(self, values: Row) -> Row:
        """Insert a validated row and register it (and the parents it joins) with the unit."""
        self._touch_parents(values)
        # A lost race (a unique name, a parent deleted meanwhile) is the error the loser would get.
        with violations_as(self.violations):
            row = self.repo.insert_row(self.spec, values)
        self.unit.created(self.spec, row)
        return row

    def update(self, row: Row, body: dict[str, Any]) -> dict[str, Any]:
        self.apply_update(row, body)
        return self.unit.result(self.spec, row)

    def apply_update(self, row: Row, body: dict[str, Any]) -> None:
        """`update` without rendering its answer: for writes over many objects (bulk edits),
        whose events render each object once, in batches."""
        with self.unit.operation():
            self.authorize("update", row)
            self.watch("update", row)
            row = self.unit.changing(self.spec, row)
            values = self.validate_update(row, body)
            values = {k: v for k, v in values.items() if row.get(k) != v}
            outside = self.update_outside(row, body)
            if values or outside:
                new_row = self.change(row, values or {"updated_by": self.ctx.actor.user_id})
                self.after_update(row, new_row)

    def change(self, row: Row, values: Row) -> Row:
        """Write changed columns of a row registered with the unit; parents it leaves or joins move."""
        for parent in self.spec.parents:
            if parent.touches and parent.column in values:
                self._touch_parents(row, only=parent)
                self._touch_parents(values, only=parent)
        with violations_as(self.violations):
            new_row = self.repo.update_row(self.spec, row, values)
        self.unit.changed(self.spec, new_row)
        return new_row

    def delete(self, row: Row) -> None:
        with self.unit.operation():
            self.authorize("delete", row)
            self.watch("delete", row)
            self.remove(row)
            self.after_delete(row)

    def remove(self, row: Row) -> None:
        """Delete a row and, first, the children that declare it their parent with cascade."""
        row = self.unit.changing(self.spec, row)
        self.before_delete(row)
        self._touch_parents(row)
        for child_spec, relation in self.spec.children():
            if not relation.cascade:
                continue
            children = self.repo.children(child_spec, relation.column, [row["id"]])
            if children:
                service = child_spec.service(self.ctx, child_spec)
                for child in children:
                    service.remove(child)
        self.delete_dependants(row)
        self.repo.delete_row(self.spec, row)
        self.unit.deleted(self.spec, row)

    def _touch_parents(self, row: Row, only: Parent | None = None) -> None:
        for parent in self.spec.parents:
            if not parent.touches or (only is not None and parent is not only):
                continue
            parent_id = row.get(parent.column)
            if not isinstance(parent_id, str):
                continue
            if self.unit.holds(parent.spec, parent_id):
                # A lead created (or already changing) in this request: no need to read it again.
                self.unit.touch_known(parent.spec, parent_id)
                continue
            parent_row = self.repo.find(parent.spec, parent_id)
            if parent_row is not None:
                self.unit.touch(parent.spec, parent_row)


def _children_of(by_parent: dict[str, list[dict[str, Any]]]) -> Callable[[Row], Any]:
    def children(row: Row) -> list[dict[str, Any]]:
        return by_parent.get(row["id"], [])

    return children


def require_object(body: Any) -> dict[str, Any]:
    """The JSON body of a create or update must be an object."""
    if not isinstance(body, dict):
        raise Invalid(errors=["The request body must be a JSON object."])
    return body
