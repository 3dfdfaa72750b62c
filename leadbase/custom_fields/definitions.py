"""Custom field definitions, loaded once per organization and shared across requests.

A definition is a `custom_field` row plus its associations (where it applies, with the
per-object settings `required`, `editable_with_roles` and display position). Requests need
them constantly (every lead read renders its custom values), so a process keeps each
organization's definitions in memory (db/orgcache.py), under the organization's settings
version. Every change of a definition writes a fresh random version in the same transaction; a
request reads the version (one indexed lookup) and reloads only when it differs, so every
process sees a committed change on its next request, and a rolled-back change (whose
version never commits) is never served.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from leadbase.db.context import Context
from leadbase.db.models import custom_field, custom_field_association
from leadbase.db.orgcache import cached, settings_changed

# Where a field applies: Close's association `object_type` values.
LEAD = "lead"
CONTACT = "contact"
OPPORTUNITY = "opportunity"
ACTIVITY_TYPE = "custom_activity_type"
OBJECT_TYPE = "custom_object_type"
OBJECT_TYPES = (LEAD, CONTACT, OPPORTUNITY, ACTIVITY_TYPE, OBJECT_TYPE)
TYPED_OBJECT_TYPES = (ACTIVITY_TYPE, OBJECT_TYPE)

# What resources call their custom-field kind (ResourceSpec.custom_field_kind) -> object_type.
KIND_TO_OBJECT_TYPE = {
    "lead": LEAD,
    "contact": CONTACT,
    "opportunity": OPPORTUNITY,
    "activity": ACTIVITY_TYPE,
    "custom_activity_type": ACTIVITY_TYPE,
    "custom_object": OBJECT_TYPE,
    "custom_object_type": OBJECT_TYPE,
}

MEMO_KEY = "custom_fields:definitions"


@dataclass(frozen=True)
class Placement:
    """One kind of object a field can apply to: leads, or the instances of one custom type."""

    object_type: str
    type_id: str = ""

    @classmethod
    def of(cls, kind: str, type_id: str | None = None) -> Placement:
        object_type = KIND_TO_OBJECT_TYPE.get(kind, kind)
        return cls(object_type, (type_id or "") if object_type in TYPED_OBJECT_TYPES else "")


@dataclass(frozen=True)
class Association:
    id: str
    field_id: str
    placement: Placement
    required: bool
    editable_with_roles: tuple[str, ...]
    position: int


@dataclass(frozen=True)
class FieldDefinition:
    """A custom field as it applies to one kind of object."""

    id: str
    name: str
    type: str
    accepts_multiple_values: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    editable_with_roles: tuple[str, ...] = ()
    referenced_custom_type_id: str | None = None
    is_shared: bool = False
    position: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def definition_of(row: dict[str, Any], association: Association | None) -> FieldDefinition:
    return FieldDefinition(
        id=row["id"],
        name=row["name"],
        type=row["type"],
        accepts_multiple_values=bool(row["accepts_multiple_values"]),
        required=bool(association and association.required),
        choices=tuple(row["choices"] or ()),
        editable_with_roles=association.editable_with_roles if association else (),
        referenced_custom_type_id=row["referenced_custom_type_id"],
        is_shared=row["kind"] == "shared",
        position=association.position if association else 0,
    )


class OrgDefinitions:
    """Every custom field of one organization, with its associations, indexed for reading."""

    def __init__(self, rows: Iterable[dict[str, Any]], associations: Iterable[Association]) -> None:
        self.rows: dict[str, dict[str, Any]] = {r["id"]: r for r in rows}
        self.associations: tuple[Association, ...] = tuple(associations)
        by_field: dict[str, list[Association]] = {}
        by_placement: dict[Placement, list[Association]] = {}
        for a in self.associations:
            if a.field_id not in self.rows:
                continue
            by_field.setdefault(a.field_id, []).append(a)
            by_placement.setdefault(a.placement, []).append(a)
        self._by_field = {k: tuple(v) for k, v in by_field.items()}
        self._by_placement = {
            placement: tuple(
                definition_of(self.rows[a.field_id], a)
                for a in sorted(
                    found, key=lambda a: (a.position, self.rows[a.field_id]["date_created"], a.id)
                )
            )
            for placement, found in by_placement.items()
        }

    def for_placement(self, placement: Placement) -> tuple[FieldDefinition, ...]:
        return self._by_placement.get(placement, ())

    def associations_of(self, field_id: str) -> tuple[Association, ...]:
        return self._by_field.get(field_id, ())

    def association(self, field_id: str, placement: Placement) -> Association | None:
        for a in self.associations_of(field_id):
            if a.placement == placement:
                return a
        return None

    def referencing(self, custom_object_type_id: str) -> list[dict[str, Any]]:
        """Rows of the `custom_object` fields that point at a custom object type (back references)."""
        return [
            r
            for r in self.rows.values()
            if r["type"] == "custom_object" and r["referenced_custom_type_id"] == custom_object_type_id
        ]


def _load(ctx: Context) -> OrgDefinitions:
    org = ctx.organization_id
    rows = [
        dict(r)
        for r in ctx.conn.execute(
            select(custom_field)
            .where(custom_field.c.organization_id == org)
            .order_by(custom_field.c.date_created, custom_field.c.id)
        ).mappings()
    ]
    table = custom_field_association
    associations = [
        Association(
            id=r["id"],
            field_id=r["field_id"],
            placement=Placement(r["object_type"], r["type_id"]),
            required=bool(r["required"]),
            editable_with_roles=tuple(r["editable_with_roles"] or ()),
            position=int(r["position"]),
        )
        for r in ctx.conn.execute(select(table).where(table.c.organization_id == org)).mappings()
    ]
    for row in rows:
        row["choices"] = list(row["choices"]) if row["choices"] is not None else None
    return OrgDefinitions(rows, associations)


def org_definitions(ctx: Context) -> OrgDefinitions:
    """The organization's definitions: from the request memo, the process cache, or the database."""
    found = ctx.memo.get(MEMO_KEY)
    if isinstance(found, OrgDefinitions):
        return found
    definitions = cached(ctx, "custom_field_definitions", _load)
    ctx.memo[MEMO_KEY] = definitions
    return definitions


def definitions_changed(ctx: Context) -> None:
    """Call after writing a definition: replaces the settings version, forgets what this request read."""
    settings_changed(ctx)
    ctx.memo.pop(MEMO_KEY, None)


def load_definitions(ctx: Context, kind: str, type_id: str | None = None) -> list[FieldDefinition]:
    """Fields whose values objects of `kind` carry (lead, contact, opportunity, activity, custom_object).

    `type_id` names the custom activity type or custom object type for those kinds.
    """
    return list(org_definitions(ctx).for_placement(Placement.of(kind, type_id)))
