"""Smart views: a named Advanced Filtering query (`s_query`) or a legacy query string (`query`).

A view is shared with the organization (`is_shared`), with some users (`shared_with`), or
kept by its owner; a view the caller cannot see is a 404 like another organization's. Its
query is checked when written, by compiling it (leadbase.search), so a view that was saved
runs. The owner and admins change or delete a view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, or_, select

from leadbase.core.errors import Forbidden, Invalid, NotFound
from leadbase.core.ids import new_id
from leadbase.db.fields import Field
from leadbase.db.filters import Filter, Term
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.search import compile_query, object_type_of
from leadbase.search.engine import parse_sort

# Close's schema lists these types; its docs promise lead and contact (the others search
# activities and opportunities, which leadbase's engine answers too).
TYPES = (
    "lead",
    "contact",
    "opportunity",
    "call",
    "email",
    "sms",
    "meeting",
    "note",
    "whatsapp_message",
    "custom_activity",
    "form_submission",
)
# The object type a view of each type searches.
SEARCHES = {
    "lead": "lead",
    "contact": "contact",
    "opportunity": "opportunity",
    "form_submission": "activity.form_submission",
    **{t: f"activity.{t}" for t in ("call", "email", "sms", "meeting", "note", "whatsapp_message")},
    "custom_activity": "activity.custom_activity",
}
NOT_YOURS = "Only the smart view's owner or an admin may change or delete it."


def uses_current_user(value: Any) -> bool:
    """Whether a query names the caller (a `current_user` condition): its results depend on who asks."""
    if isinstance(value, dict):
        return value.get("type") == "current_user" or any(uses_current_user(v) for v in value.values())
    if isinstance(value, list):
        return any(uses_current_user(v) for v in value)
    return False


class SavedSearchService(Service):
    def _visible(self) -> Any:
        t = self.spec.table
        user = self.ctx.actor.user_id
        conditions: list[ColumnElement[bool]] = [t.c.is_shared.is_(True), t.c.user_id.is_(None)]
        if user is not None:
            conditions.append(t.c.user_id == user)
            # Shared with the caller by name: the id, quoted, inside the JSON list.
            conditions.append(cast(t.c.shared_with, String).contains(f'"{user}"'))
        return or_(*conditions)

    def scope(self) -> Select[Any]:
        t = self.spec.table
        return select(t).where(t.c.organization_id == self.ctx.organization_id, self._visible())

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        row = self.repo.find(self.spec, object_id, lock=lock)
        if row is None or not self.sees(row):
            raise NotFound.for_model(self.spec.model_name)
        return row

    def sees(self, row: Row) -> bool:
        user = self.ctx.actor.user_id
        shared = row.get("shared_with") or []
        return (
            bool(row["is_shared"]) or row["user_id"] in (None, user) or (user is not None and user in shared)
        )

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        wanted = params.get("type__in")
        types = (
            [t.strip() for t in wanted.split(",") if t.strip()] if wanted else [params.get("type") or "lead"]
        )
        unknown = [t for t in types if t not in TYPES]
        if unknown:
            raise Invalid({"type__in" if wanted else "type": f"Not a valid type: {unknown[0]!r}."})
        return Term("type", "in", types)

    def authorize(self, action: str, row: Row | None) -> None:
        if (
            row is not None
            and row["user_id"] not in (None, self.ctx.actor.user_id)
            and not self.ctx.actor.is_admin
        ):
            raise Forbidden(NOT_YOURS)

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()

        def computed(f: Field, row: Row) -> Any:
            return {
                "whole_org": bool(row["is_shared"]),
                "user_ids": list(row.get("shared_with") or []),
                "group_ids": [],
                "created_at": row["date_created"].isoformat(),
                "created_by_id": row.get("created_by"),
                "updated_at": row["date_updated"].isoformat(),
                "updated_by_id": row.get("updated_by"),
            }

        return [fields.render(r, computed) for r in rows]

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = self._fields().clean(body, creating=True)
        values["user_id"] = self.ctx.actor.user_id
        values["id"] = new_id(self.spec.id_prefix, self.spec.id_length)
        return self._checked(values, values)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        values = self._fields().clean(body, creating=False)
        return self._checked({**row, **values}, values)

    def _checked(self, view: Row, values: Row) -> Row:
        """Check the query the view will hold (compiled, never run) and what follows from it."""
        s_query, text = view.get("s_query"), view.get("query")
        if s_query is None and not text:
            raise Invalid({"s_query": "A smart view needs a query: s_query, or a query string."})
        shared_with = view.get("shared_with")
        if shared_with is not None and not all(isinstance(u, str) for u in shared_with):
            raise Invalid({"shared_with": "Expected a list of user ids."})
        if s_query is not None:
            values["s_query"] = self._structured(s_query, view["type"], view["id"])
        values["is_user_dependent"] = uses_current_user(s_query)
        return values

    def _structured(self, s_query: Any, view_type: str, view_id: str) -> dict[str, Any]:
        if not isinstance(s_query, dict) or not isinstance(s_query.get("query"), dict):
            raise Invalid({"s_query": 'Expected {"query": <query>, "sort": [...], "results_limit": n}.'})
        object_type = SEARCHES[view_type]
        found = object_type_of(s_query["query"], object_type)
        if found != object_type:
            raise Invalid(
                {"s_query.query": f"A {view_type} smart view must search {object_type}, not {found}."}
            )
        compile_query(self.ctx, object_type, s_query["query"], pending_view=view_id)
        parse_sort(s_query.get("sort"), "s_query.sort")
        results_limit = s_query.get("results_limit")
        if results_limit is not None and (
            not isinstance(results_limit, int) or isinstance(results_limit, bool) or results_limit < 0
        ):
            raise Invalid({"s_query.results_limit": "Expected a whole number or null."})
        return {**s_query, "sort": s_query.get("sort") or [], "results_limit": results_limit}
