"""POST /activity/meeting/{id}/integration/: a third-party tab on a meeting."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.activity_meeting.service import MeetingService
from leadbase.resources.activity_meeting.spec import MEETING

router = APIRouter()

TAB = {
    **object_schema(
        "What the application shows in its tab on the meeting: any JSON object, kept as sent (Close's "
        "schema is unconfirmed); an empty object does nothing.",
        title={"type": "string", "description": "The tab's title"},
    ),
    "additionalProperties": True,
}


@router.post(
    "/activity/meeting/{id}/integration/",
    summary="Create or update a third-party Meeting integration",
    operation_id="meeting_integration",
    tags=["activities"],
    openapi_extra={
        "requestBody": request_body(TAB),
        "responses": answer(
            object_schema("Empty, as Close answers; the meeting shows the tab in `integrations`.")
        ),
    },
)
def integration(request: Request, id: str) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        service = MeetingService(ctx, MEETING)
        row = service.get(id)
        # leadbase has no OAuth applications: the API key calling stands for the application.
        app = ctx.actor.api_key_id or ctx.actor.user_id or "api"
        service.integrate(row, app, body)
        return {}

    return json_response(run(request, work, writes=True))
