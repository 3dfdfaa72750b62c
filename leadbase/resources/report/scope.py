"""What a report is about: the caller's organization, the leads a query selects, the users.

`lead_query_condition` reads the lead `query=` language through the lead resource's own list
filter (the same leads `GET /lead/?query=` lists); smart views and the Advanced Filtering queries
the POSTed reports carry go through the query engine (`leadbase.search.compile_query`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import ColumnElement

from leadbase.core.errors import BadRequest, Invalid, NotFound
from leadbase.db.context import Context
from leadbase.db.filters import compile_filter
from leadbase.db.models import group_member, lead, membership
from leadbase.db.query import ListQuery
from leadbase.db.resource import resources
from leadbase.search import compile_query

LEADS = "lead"


def own_organization(ctx: Context, org_id: str) -> None:
    """The organization in a report's path must be the caller's: any other is not found,
    as any object of another organization is (no hint that it exists)."""
    if org_id != ctx.organization_id:
        raise NotFound("Empty query: organization matching query does not exist.")


def lead_query_condition(ctx: Context, text: Any, field: str = "query") -> ColumnElement[bool] | None:
    """HOOK (query engine): the condition on the `lead` table selecting the leads `text` finds.

    Uses the lead resource's own `query=` reading (the same leads `GET /lead/?query=` lists);
    `*` and an empty text select every lead (None: no condition).
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise Invalid.field(field, "Not a valid string.")
    if not text.strip() or text.strip() == "*":
        return None
    spec = resources.get(LEADS)
    service = spec.service(ctx, spec)
    try:
        tree = service.list_filter(ListQuery(), {"query": text})
    except (Invalid, BadRequest) as exc:
        # The query's own complaint, under the parameter that carried it.
        raise Invalid({field: exc.message}) from exc
    if tree is None:
        return None
    return compile_filter(ctx, spec, tree)


def smart_view_condition(ctx: Context, smart_view_id: Any, field: str) -> ColumnElement[bool] | None:
    """The condition on the `lead` table selecting a smart view's leads, compiled by the query
    engine. A smart view of another organization, or one that does not exist, is a 400 naming
    the field: the report cannot be computed."""
    if not isinstance(smart_view_id, str) or not smart_view_id:
        raise Invalid.field(field, "Not a valid smart view id.")
    return engine_condition(ctx, {"type": "saved_search", "saved_search_id": smart_view_id}, field)


def saved_search_query(ctx: Context, value: Any, field: str = "query") -> ColumnElement[bool] | None:
    """The `query` of the POSTed reports: a Close Advanced Filtering query on leads (most often
    `{"type": "saved_search", "saved_search_id": ...}`)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid.field(field, "Expected an Advanced Filtering query object.")
    return engine_condition(ctx, value, field)


def engine_condition(ctx: Context, query: dict[str, Any], field: str) -> ColumnElement[bool]:
    try:
        return compile_query(ctx, LEADS, query)
    except NotFound as exc:
        raise Invalid.field(field, exc.message) from exc
    except (Invalid, BadRequest) as exc:
        raise Invalid({field: exc.message}) from exc


def leads_in(ctx: Context, condition: ColumnElement[bool]) -> Any:
    """A subquery of the ids of the organization's leads matching `condition`."""
    return select(lead.c.id).where(lead.c.organization_id == ctx.organization_id, condition)


def member_ids(ctx: Context) -> list[str]:
    """The organization's members (active or not), oldest first."""
    rows = ctx.conn.execute(
        select(membership.c.user_id)
        .where(membership.c.organization_id == ctx.organization_id)
        .order_by(membership.c.date_created, membership.c.user_id)
    )
    return [r[0] for r in rows]


def users_filter(ctx: Context, value: Any, field: str = "users", *, groups: bool = False) -> list[str] | None:
    """The user ids of a `users` list (group ids expanded when `groups`), None when not given.

    Every id must be a member of the organization (or one of its groups): another
    organization's user is refused like an unknown one.
    """
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid.field(field, "Must be a list of user ids.")
    members = set(member_ids(ctx))
    out: list[str] = []
    group_ids = [v for v in value if v.startswith("group_")] if groups else []
    if group_ids:
        rows = ctx.conn.execute(
            select(group_member.c.group_id, group_member.c.user_id).where(
                group_member.c.organization_id == ctx.organization_id, group_member.c.group_id.in_(group_ids)
            )
        ).all()
        known_groups = {r[0] for r in rows}
        for g in group_ids:
            if g not in known_groups and not _group_exists(ctx, g):
                raise Invalid.field(field, f"Unknown group: {g}.")
        out.extend(r[1] for r in rows)
    for v in value:
        if v in group_ids:
            continue
        if v not in members:
            raise Invalid.field(field, f"Unknown user: {v}.")
        out.append(v)
    return list(dict.fromkeys(out))


def _group_exists(ctx: Context, group_id: str) -> bool:
    spec = resources.get("group")
    return spec.service(ctx, spec).repo.find(spec, group_id) is not None


def ordered_unique(values: Iterable[str | None]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v is not None]
