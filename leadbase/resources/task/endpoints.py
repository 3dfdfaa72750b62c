"""PUT /task/: Close's bulk update of the tasks a list's filters select."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.params import parse_list_query
from leadbase.api.responses import json_response
from leadbase.api.routes import list_parameters
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, max_skip_of, run, tz_offset_of
from leadbase.db.context import Context
from leadbase.resources.task.service import TaskService
from leadbase.resources.task.spec import TASK, TASK_ENDPOINT

router = APIRouter()

DATE = {"type": "string", "description": "YYYY-MM-DD or an ISO 8601 datetime"}
BULK_BODY = object_schema(
    "What every selected task gets.",
    assigned_to={"type": "string", "nullable": True},
    date=DATE,
    is_complete={"type": "boolean"},
)


@router.put(
    "/task/",
    summary="Bulk-update tasks",
    operation_id="task_bulk_update",
    tags=["tasks"],
    openapi_extra={
        "parameters": [p for p in list_parameters(TASK_ENDPOINT) if not p["name"].startswith("_")],
        "requestBody": request_body(BULK_BODY),
        "responses": answer(object_schema("Close's answer.", ok={"type": "boolean"})),
    },
)
def bulk_update(request: Request) -> Response:
    body = body_of(request)
    params = request.query_params

    def work(ctx: Context) -> dict[str, Any]:
        query = parse_list_query(TASK_ENDPOINT, params, tz_offset_of(request), max_skip_of(request))
        service = TaskService(ctx, TASK)
        service.bulk_update(query, params, body)
        return {"ok": True}

    return json_response(run(request, work, writes=True))
