"""Which leads a bulk action works on: Close's targeting keys, checked when the action is made
and resolved into an ordered selection when its job starts.

A bulk action names its leads by `s_query` (an Advanced Filtering node, not wrapped), by a legacy
`query` string, or (a leadbase convenience) by `saved_search_id`; `sort` orders the processing
and `results_limit` caps it. The selection is resolved when the job runs, as Close does: a lead
created between the POST and the job's start is included if it matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table

from leadbase.core.errors import BadRequest, FieldErrors, Invalid
from leadbase.db.context import Context
from leadbase.resources.query_names import OrganizationNames
from leadbase.search import compile_query
from leadbase.search import nodes as n
from leadbase.search.engine import object_type_of, order_by, parse_sort, searchable
from leadbase.search.query_string import translate

TARGETING_KEYS = ("s_query", "query", "saved_search_id", "results_limit", "sort", "send_done_email")
NO_SELECTION = "Select the leads with s_query (an Advanced Filtering query), query or saved_search_id."


@dataclass(frozen=True)
class Selection:
    """A resolved selection: the condition on `lead`, its processing order and its cap."""

    table: Table
    condition: ColumnElement[bool]
    order: list[Any]
    limit: int | None


def _unwrapped(s_query: Any) -> tuple[Any, Any, Any]:
    """A smart view's wrapped form {"query", "sort", "results_limit"} is accepted as well."""
    if isinstance(s_query, Mapping) and "type" not in s_query and "query" in s_query:
        return s_query["query"], s_query.get("sort"), s_query.get("results_limit")
    return s_query, None, None


def _string_query(ctx: Context, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        translation = translate(text, "lead", OrganizationNames(ctx), ctx.tz_offset)
    except (BadRequest, Invalid) as problem:
        raise Invalid.field("query", str(problem)) from problem
    return translation.query, list(translation.sort)


def _check_query(ctx: Context, query: Any, path: str) -> None:
    tree = n.parse(query, path)
    if object_type_of(tree) != "lead":
        raise Invalid.field(path, "A bulk action works on leads: the query must select leads.")
    # Compiled now so that an unknown field or another organization's smart view (404) is
    # answered before anything is queued; compiled again when the job starts.
    compile_query(ctx, "lead", tree)


def clean_targeting(ctx: Context, body: Mapping[str, Any]) -> dict[str, Any]:
    """The targeting columns of a new bulk action, or Invalid (NotFound for a smart view)."""
    errors = FieldErrors()
    s_query, view_sort, view_limit = _unwrapped(body.get("s_query"))
    text = body.get("query")
    view_id = body.get("saved_search_id")
    if view_id is not None:
        if not isinstance(view_id, str) or not view_id:
            errors.add("saved_search_id", "Must be a smart view id.")
        elif s_query is None:
            s_query = {"type": "saved_search", "saved_search_id": view_id}
        else:
            errors.add("saved_search_id", "Give s_query or saved_search_id, not both.")
    if s_query is not None and not isinstance(s_query, Mapping):
        errors.add("s_query", "Must be an Advanced Filtering query object.")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        errors.add("query", "Must be a non-empty query string.")
    if s_query is None and text is None and view_id is None:
        errors.add("s_query", NO_SELECTION)
    limit = body.get("results_limit", view_limit)
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        errors.add("results_limit", "Must be a non-negative integer or null.")
    done_email = body.get("send_done_email", True)
    if not isinstance(done_email, bool):
        errors.add("send_done_email", "Must be a boolean.")
    errors.raise_if_any()

    sort = body.get("sort", view_sort)
    if s_query is not None:
        _check_query(ctx, s_query, "s_query")
    else:
        assert isinstance(text, str)
        translated, string_sort = _string_query(ctx, text)
        _check_query(ctx, translated, "query")
        sort = sort if sort is not None else string_sort
    order_by(ctx, searchable("lead"), parse_sort(sort or [], "sort"))
    return {
        "s_query": dict(s_query) if s_query is not None else None,
        "query": text,
        "results_limit": limit,
        "sort": list(sort or []),
        "send_done_email": done_email,
    }


def resolve(ctx: Context, row: Mapping[str, Any]) -> Selection:
    """The leads a stored action selects, as of now (names in a query string resolved now)."""
    if row["s_query"] is not None:
        query: Any = row["s_query"]
    else:
        query, _ = _string_query(ctx, row["query"])
    on = searchable("lead")
    condition = compile_query(ctx, "lead", query)
    return Selection(
        on.table, condition, order_by(ctx, on, parse_sort(row["sort"] or [])), row["results_limit"]
    )
