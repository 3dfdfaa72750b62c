"""The `text` query node: a word search across an object's text (names, emails, phones, notes).

`text_condition` is the one entry point (the `text` node of Advanced Filtering, and the bare
words of the lead query string once H3's translator sends them here). Today it compares
with Close's text modes over the columns below, case-insensitively (db/filters.text_match),
which no index serves; an FTS5 table on SQLite and a tsvector with GIN on PostgreSQL kept
by triggers are the next step (docs/architecture.md, "Search"), behind this same function.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, String, cast, exists, false, literal, or_, select

from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.filters import text_match
from leadbase.db.models import activity, contact

# Activity types whose text a lead's text search reads (notes, email bodies, SMS).
LEAD_ACTIVITY_TEXT = ("Note", "Email", "SMS", "Call", "Meeting")


def _as_text(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(column, String)


def _contact_columns(table: FromClause) -> list[ColumnElement[Any]]:
    return [table.c.name, table.c.title, _as_text(table.c.emails), _as_text(table.c.phones)]


def _any(columns: list[ColumnElement[Any]], mode: str, value: str) -> ColumnElement[bool]:
    return or_(false(), *(text_match(c, mode, value) for c in columns))


def text_condition(
    ctx: Context, object_type: str, table: FromClause, value: str, mode: str, path: str = "query"
) -> ColumnElement[bool]:
    """Rows of `table` (objects of `object_type`) whose text matches `value` in Close's `mode`."""
    if object_type == "contact":
        return _any(_contact_columns(table), mode, value)
    if object_type == "lead":
        own = _any([table.c.name, table.c.description, table.c.url], mode, value)
        contacts = exists(
            select(literal(1))
            .select_from(contact)
            .where(
                contact.c.organization_id == ctx.organization_id,
                contact.c.lead_id == table.c.id,
                _any(_contact_columns(contact), mode, value),
            )
        )
        activities = exists(
            select(literal(1))
            .select_from(activity)
            .where(
                activity.c.organization_id == ctx.organization_id,
                activity.c.lead_id == table.c.id,
                activity.c.type.in_(LEAD_ACTIVITY_TEXT),
                text_match(_as_text(activity.c.payload), mode, value),
            )
        )
        return or_(own, contacts, activities)
    if object_type == "opportunity":
        return _any([table.c.note], mode, value)
    if object_type.startswith("activity."):
        return _any([_as_text(table.c.payload)], mode, value)
    if object_type in ("custom_object",):
        return _any([table.c.name], mode, value)
    if object_type == "task":
        return _any([table.c.text], mode, value)
    raise Invalid({path: f"{object_type} has no text to search."})
