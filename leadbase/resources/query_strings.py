"""The `query` (and `lead_query`) parameter of list endpoints: a query string answered by the
Advanced Filtering engine.

    GET /lead/?query=status:Qualified call(date >= "2 weeks ago") sort:-custom.Size

search/query_string.py translates the text into Close's JSON query and sort (names resolved by
OrganizationNames); this module hands them to the engine as one node of the list's filter tree
and as list orderings, so the list keeps its single page query, `_skip`/`_limit` paging and
`total_results`. What the engine refuses in the translated query is reported against the text
the caller sent, not against a JSON path they never wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import ColumnElement

from leadbase.core.errors import BadRequest, Invalid
from leadbase.db.context import Context
from leadbase.db.filters import Clause, Filter
from leadbase.db.query import Ordering
from leadbase.db.resource import ResourceSpec
from leadbase.resources.query_names import OrganizationNames
from leadbase.search import query_filter
from leadbase.search.compiler import register_string_translator
from leadbase.search.engine import parse_sort, searchable, sort_keys
from leadbase.search.query_string import translate

T = TypeVar("T")


@dataclass
class StringQuery:
    # None: the text only sorts (`sort:custom.Founded`), and the list keeps its kept count.
    where: Filter | None
    order_by: list[Ordering] = field(default_factory=list)


def _answered(text: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except Invalid as exc:
        raise BadRequest(f"leadbase cannot answer the query {text!r}: {exc}") from exc


def _clause(text: str, object_type: str, query: dict[str, Any]) -> Clause:
    inner = _answered(text, lambda: query_filter(object_type, query))

    def build(ctx: Context, spec: ResourceSpec) -> ColumnElement[bool]:
        return _answered(text, lambda: inner.build(ctx, spec))

    def count(ctx: Context, spec: ResourceSpec) -> int | None:
        counted = inner.count
        return None if counted is None else _answered(text, lambda: counted(ctx, spec))

    return Clause(inner.key, build, count)


def _ordering(text: str, object_type: str, sort: dict[str, Any]) -> Ordering:
    def build(ctx: Context, spec: ResourceSpec) -> list[ColumnElement[Any]]:
        # The engine's ORDER BY for this one sort (nulls last), without its tie-breakers.
        keys = _answered(text, lambda: sort_keys(ctx, searchable(object_type), parse_sort([sort])))
        terms: list[ColumnElement[Any]] = keys[0].terms()
        return terms

    label = str(sort["field"].get("field_name") or sort["field"].get("custom_field_id"))
    return Ordering(label, sort["direction"] == "desc", build=build)


def string_query(ctx: Context, text: str, object_type: str) -> StringQuery:
    """`text` as a filter on objects of `object_type`, with its `sort:` terms as orderings."""
    translation = translate(text, object_type, OrganizationNames(ctx), ctx.tz_offset)
    orderings = [_ordering(text, object_type, sort) for sort in translation.sort]
    conditions = [q for q in translation.query["queries"] if q.get("type") != "object_type"]
    if not conditions:
        return StringQuery(None, orderings)
    return StringQuery(_clause(text, object_type, translation.query), orderings)


def related_lead_query(ctx: Context, text: str, object_type: str) -> Filter:
    """Objects (opportunities...) whose lead matches the lead query `text` (`lead_query=`)."""
    translation = translate(text, "lead", OrganizationNames(ctx), ctx.tz_offset)
    conditions = [q for q in translation.query["queries"] if q.get("type") != "object_type"]
    query = {
        "type": "and",
        "queries": [
            {"type": "object_type", "object_type": object_type},
            {
                "type": "has_related",
                "this_object_type": object_type,
                "related_object_type": "lead",
                "related_query": {"type": "and", "queries": conditions},
            },
        ],
    }
    return _clause(text, object_type, query)


def _view_query(ctx: Context, text: str, object_type: str) -> dict[str, Any]:
    # A smart view kept as a legacy query string, used inside another query (`in:"view"`).
    return translate(text, object_type, OrganizationNames(ctx), ctx.tz_offset).query


register_string_translator(_view_query)
