"""POST /data/search/: Advanced Filtering (leadbase.search) over leads, contacts, opportunities...

The engine answers the rows of a page in order; this renders them with each object type's
own service, only when `_fields` asks for more than the id (a hit is `id` and
`__object_type` otherwise), so an ids-only page is one statement.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.params import FieldSelection
from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.resource import resources
from leadbase.search import CLOSE_LIMITS, SearchLimits, SearchPage, search
from leadbase.search.targets import target

router = APIRouter()

OBJECT = {"type": "object"}
SEARCH_BODY = {
    **object_schema(
        "Close's Advanced Filtering request.",
        query={**OBJECT, "description": "The query tree: and, or, object_type, field_condition, ..."},
        _fields={**OBJECT, "description": 'Fields per object type: {"lead": ["id", "display_name"]}.'},
        sort={"type": "array", "items": OBJECT},
        _limit={"type": "integer", "default": 100, "maximum": 200},
        cursor={"type": "string", "nullable": True},
        results_limit={"type": "integer", "nullable": True},
        include_counts={"type": "boolean"},
    ),
    "required": ["query"],
}
SEARCH_ANSWER = object_schema(
    data={"type": "array", "items": OBJECT},
    cursor={"type": "string", "nullable": True},
    count=object_schema(total={"type": "integer"}, limited={"type": "integer"}),
)


def limits_of(ctx: Context) -> SearchLimits:
    """Close's 10,000-result ceiling and 30-second cursors, under the strict setting only."""
    strict = getattr(ctx.memo.get("settings"), "search_close_limits", False)
    return CLOSE_LIMITS if strict else SearchLimits()


def selections(raw: Any, limits: SearchLimits | None = None) -> dict[str, FieldSelection]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid({"_fields": 'Expected an object of field lists per object type: {"lead": ["id"]}.'})
    out = {}
    for object_type, names in raw.items():
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise Invalid({f"_fields.{object_type}": "Expected a list of field names."})
        out[object_type] = FieldSelection(frozenset(names), everything="_all" in names)
    selected = sum(len(names) for names in raw.values())
    if limits is not None and limits.max_selectors is not None and selected > limits.max_selectors:
        raise Invalid({"_fields": f"Too many fields selected ({selected}): at most {limits.max_selectors}."})
    return out


def ids_only(selection: FieldSelection | None) -> bool:
    return selection is None or (selection.names <= {"id"} and not selection.everything)


def hits(ctx: Context, page: SearchPage, selection: FieldSelection | None) -> list[dict[str, Any]]:
    head = {"__object_type": page.object_type}
    if selection is None or ids_only(selection):
        return [{**head, "id": row["id"]} for row in page.rows]
    spec_path = target(page.object_type).spec_path  # type: ignore[union-attr]
    spec = resources.get(spec_path or page.object_type)
    ctx.shown = selection.shown()
    rendered = spec.service(ctx, spec).render(page.rows) if page.rows else []
    return [{**head, "id": obj["id"], **selection.project(obj)} for obj in rendered]


def answer_search(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    limits = limits_of(ctx)
    fields = selections(body.get("_fields"), limits)
    whole = [object_type for object_type, selection in fields.items() if not ids_only(selection)]
    page = search(ctx, body, limits, whole_rows=whole)
    out: dict[str, Any] = {"data": hits(ctx, page, fields.get(page.object_type)), "cursor": page.cursor}
    if page.total is not None:
        out["count"] = {"total": page.total, "limited": page.limited}
    return out


@router.post(
    "/data/search/",
    summary="Search (Advanced Filtering)",
    operation_id="data_search",
    tags=["search"],
    openapi_extra={"requestBody": request_body(SEARCH_BODY), "responses": answer(SEARCH_ANSWER)},
)
def search_objects(request: Request) -> Response:
    body = body_of(request)
    return json_response(run(request, lambda ctx: answer_search(ctx, body), writes=False))


def _decoded(value: str) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value


@router.get("/data/search/", include_in_schema=False)
def search_with_override(request: Request) -> Response:
    """`POST` with `x-http-method-override: GET` and the body in `_params`, as every list takes it."""
    body = {key: _decoded(value) for key, value in request.query_params.items()}
    return json_response(run(request, lambda ctx: answer_search(ctx, body), writes=False))
