"""Constants written into a statement's text rather than bound as parameters.

A planner matches an expression index only against the same expression with the same
constants, and proves a partial index's predicate only from constants it can see: a bound
`json_extract(custom, ?)` or `organization_id = ?` uses neither. Only values leadbase
generated itself (ids: letters, digits, underscores) are ever inlined; anything else stays bound.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import literal
from sqlalchemy.sql.elements import ColumnElement

_GENERATED_ID = re.compile(r"^[A-Za-z0-9_]{1,64}$")


def is_generated_id(value: object) -> bool:
    return isinstance(value, str) and _GENERATED_ID.match(value) is not None


def constant(value: str) -> ColumnElement[Any]:
    """A fixed string of leadbase's own (a JSON type name, a path built from a checked id), inline."""
    return literal(value, literal_execute=True)


def organization_is(column: ColumnElement[Any], organization_id: str) -> ColumnElement[bool]:
    """`column = organization_id`, inline when the id is one leadbase made (the per-organization
    partial indexes on custom values need to see it), bound otherwise."""
    if is_generated_id(organization_id):
        return column == constant(organization_id)
    return column == organization_id
