"""A polymorphic family listed together: every activity type at `GET /activity/`.

The family's spec is a resource over the shared table with no discriminator of its own
(see `db/resource.Family`): one query reads a page whatever types are on it, and each row is
rendered by its own type's service, one batch per type on the page. Writes stay with the
members' own endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbase.core.errors import Invalid
from leadbase.db.filters import And, Filter, Or, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.resource import ResourceSpec
from leadbase.db.service import Service

# Query parameters naming the types a family list keeps (comma-separated, one or several).
TYPE_PARAMETERS = ("_type", "_type__in")


class FamilyService(Service):
    """Lists and renders the members of `spec.family`; never writes."""

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        family = self.spec.family
        if family is None:
            raise LookupError(f"{self.spec.path} declares no family")
        members = self.spec.members()
        positions: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            positions.setdefault(row[family.column], []).append(i)
        out: list[dict[str, Any]] = [{} for _ in rows]
        for value, where in positions.items():
            member = members.get(value)
            batch = [rows[i] for i in where]
            if member is None:
                # A kind this server has no declaration for yet: what every member shows.
                rendered = [self._fields().render(r) for r in batch]
            else:
                rendered = member.service(self.ctx, member).render(batch)
            for i, data in zip(where, rendered, strict=True):
                out[i] = data
        return out

    def validate_create(self, body: dict[str, Any]) -> Row:
        # Not served over HTTP; this keeps `leadbase load activity` from writing a row of no type.
        raise Invalid(errors=[f"Create each kind through its own resource: {', '.join(self._paths())}."])

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        raise Invalid(errors=[f"Change each kind through its own resource: {', '.join(self._paths())}."])

    def _paths(self) -> list[str]:
        return sorted(f"/{member.path}/" for member in self.spec.members().values())

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        wanted = [
            part.strip() for key in TYPE_PARAMETERS for part in params.get(key, "").split(",") if part.strip()
        ]
        if not wanted:
            return None
        return Or(tuple(self._kind(value) for value in dict.fromkeys(wanted)))

    def _kind(self, value: str) -> Filter:
        """The rows a `_type` value names: a member's type, an alias, or a member's custom type id."""
        family = self.spec.family
        assert family is not None
        members = self.spec.members()
        value = family.aliases.get(value, value)
        if value not in members:
            for discriminator, member in members.items():
                if _names_custom_type(member, value):
                    column = member.custom_type_column or ""
                    return And((Term(family.column, "eq", discriminator), Term(column, "eq", value)))
        # A type with no member yet (or none at all) keeps nothing, as a list of it would be empty.
        return Term(family.column, "eq", value)


def _names_custom_type(member: ResourceSpec, value: str) -> bool:
    """Whether `value` is an id of the custom type that picks `member`'s rows (`actitype_...`)."""
    column = member.custom_type_column
    if column is None:
        return False
    try:
        custom_type = member.parent(column)
    except LookupError:
        return False
    return value.startswith(f"{custom_type.id_prefix}_")
