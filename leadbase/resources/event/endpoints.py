"""GET /event/: cursor paging, unlike the generic offset lists."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.params import FieldSelection
from leadbase.api.responses import json_response
from leadbase.api.routes import FIELDS_PARAMETER
from leadbase.api.schemas import answer, envelope, of_fields
from leadbase.api.unit import run
from leadbase.resources.event.service import FILTERS, MAX_LIMIT, EventService
from leadbase.resources.event.spec import EVENT

router = APIRouter()


def _parameters() -> list[dict[str, object]]:
    params: list[dict[str, object]] = [
        {
            "name": "_limit",
            "in": "query",
            "schema": {"type": "integer", "default": MAX_LIMIT, "maximum": MAX_LIMIT},
        },
        {"name": "_cursor", "in": "query", "schema": {"type": "string"}},
        FIELDS_PARAMETER,
    ]
    for f in FILTERS.values():
        params.append({"name": f.name, "in": "query", "schema": {"type": "string"}})
        for op in sorted(f.operators - {"eq", "in"}):
            params.append({"name": f"{f.name}__{op}", "in": "query", "schema": {"type": "string"}})
    return params


@router.get(
    "/event/",
    summary="List events",
    operation_id="event_list",
    tags=["events"],
    openapi_extra={
        "parameters": _parameters(),
        "responses": answer(
            envelope(
                of_fields(EVENT.fields),
                has_more=False,
                cursor_next={"type": "string", "nullable": True},
                cursor_previous={"type": "string", "nullable": True},
            )
        ),
    },
)
def list_events(request: Request) -> Response:
    page = run(request, lambda ctx: EventService(ctx, EVENT).feed(request.query_params), writes=False)
    selection = FieldSelection.parse(request.query_params.get("_fields"))
    if selection is not None:
        page["data"] = [selection.project(e) for e in page["data"]]
    return json_response(page)
