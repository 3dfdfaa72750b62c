"""Changing one field's stored values on every object that holds one, with an event per object.

Deleting a field, disassociating a shared field, converting a field to another type and
deleting a referenced custom object all rewrite values that objects already hold. The
objects' representation changes, so each is registered with the unit of work like any
other write, which records one `updated` event per object (with whatever else the request
changed on it).

A rewrite has two phases because the definitions may change in between: `ValueRewrite(...)`
reads the objects and their representation under the definitions of the moment; after the
caller has changed the definitions, `apply(transform)` writes the new values and records the
events with the representation under the new definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from leadbase.custom_fields import sql
from leadbase.custom_fields.definitions import KIND_TO_OBJECT_TYPE, Placement, org_definitions
from leadbase.db.context import Context
from leadbase.db.repository import Repository, Row
from leadbase.db.resource import ResourceSpec, resources

# Rows are rendered and rewritten in slices, so that one query renders many objects.
CHUNK = 200


def holders(placement: Placement) -> list[ResourceSpec]:
    """The resources whose objects carry values of fields with this placement."""
    return [
        spec
        for spec in resources
        if spec.custom_field_kind is not None
        and KIND_TO_OBJECT_TYPE.get(spec.custom_field_kind) == placement.object_type
    ]


class ValueRewrite:
    """Rewrites the values of some fields; `targets` maps each field id to where it applies.

    An object holding values of several of the fields is rewritten once, with one event.
    """

    def __init__(
        self,
        ctx: Context,
        targets: Mapping[str, Iterable[Placement]],
        *,
        lead_id: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.field_ids = list(targets)
        self.repo = Repository(ctx)
        # (spec, rows, their representation before) for every object holding a value.
        self.found: list[tuple[ResourceSpec, list[Row], list[dict[str, Any]]]] = []
        dialect = ctx.conn.dialect.name
        wanted: dict[str, tuple[ResourceSpec, list[ColumnElement[bool]]]] = {}
        for field_id, placements in targets.items():
            for placement in placements:
                for spec in holders(placement):
                    table = spec.table
                    condition = sql.has_key(table.c.custom, field_id, dialect)
                    if placement.type_id and spec.custom_type_column:
                        condition = and_(condition, table.c[spec.custom_type_column] == placement.type_id)
                    wanted.setdefault(spec.path, (spec, []))[1].append(condition)
        for spec, conditions in wanted.values():
            table = spec.table
            stmt = self.repo.scoped(spec).where(or_(*conditions))
            if lead_id is not None and spec.lead_column:
                stmt = stmt.where(table.c[spec.lead_column] == lead_id)
            rows = [dict(r) for r in ctx.conn.execute(stmt.order_by(table.c.id)).mappings()]
            if not rows:
                continue
            service = spec.service(ctx, spec)
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                self.found.append((spec, chunk, service.render(chunk)))

    def apply(self, transform: Callable[[str, Any], Any]) -> int:
        """Store transform(field id, old stored value) for each field (None removes the value).

        Returns how many objects' values changed; their events are the unit of work's.
        """
        changed_objects = 0
        for spec, rows, before in self.found:
            for row, data in zip(rows, before, strict=True):
                custom = dict(row["custom"] or {})
                for field_id in self.field_ids:
                    if field_id not in custom:
                        continue
                    new_value = transform(field_id, custom[field_id])
                    if new_value is None:
                        del custom[field_id]
                    else:
                        custom[field_id] = new_value
                if custom == row["custom"]:
                    continue
                self.ctx.unit.seen(spec, row, data)
                self.ctx.unit.changed(spec, self.repo.update_row(spec, row, {"custom": custom}))
                changed_objects += 1
        return changed_objects


def remove_values(ctx: Context, field_id: str, placements: Iterable[Placement]) -> int:
    """Delete the field's values wherever it applies (a deleted field, a removed association)."""
    return ValueRewrite(ctx, {field_id: list(placements)}).apply(lambda _field, _old: None)


def forget_reference(
    ctx: Context, gone_id: str, lead_id: str, *, field_type: str, referenced_type_id: str | None = None
) -> int:
    """Remove a deleted object's id from the reference fields that may hold it.

    Contact and custom object references only ever point within one lead, so only that
    lead's objects are searched. `referenced_type_id` narrows custom_object fields to the
    ones that point at the deleted instance's type.
    """
    definitions = org_definitions(ctx)
    targets = {
        row["id"]: [a.placement for a in definitions.associations_of(row["id"])]
        for row in definitions.rows.values()
        if row["type"] == field_type
        and (referenced_type_id is None or row["referenced_custom_type_id"] == referenced_type_id)
    }
    if not targets:
        return 0

    def without(_field_id: str, stored: Any) -> Any:
        if isinstance(stored, list):
            return [v for v in stored if v != gone_id] or None
        return None if stored == gone_id else stored

    return ValueRewrite(ctx, targets, lead_id=lead_id).apply(without)
