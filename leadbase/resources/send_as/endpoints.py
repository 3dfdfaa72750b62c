"""DELETE /send_as/ (an association named by its two users) and POST /send_as/bulk/."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, envelope, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.send_as.service import SendAsService
from leadbase.resources.send_as.spec import SEND_AS

router = APIRouter()
TAGS: list[Any] = ["send_as"]
USER_IDS = {"type": "array", "items": {"type": "string"}}
BULK = {
    "type": "object",
    "properties": {"allowed_user_ids": USER_IDS, "disallowed_user_ids": USER_IDS},
}


@router.delete(
    "/send_as/",
    summary="Delete a Send As association by its users",
    operation_id="send_as_delete_pair",
    tags=TAGS,
    status_code=204,
    openapi_extra={
        "parameters": [
            {"name": "allowing_user_id", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "allowed_user_id", "in": "query", "required": True, "schema": {"type": "string"}},
        ],
        "responses": answer(None, 204),
    },
)
def delete_pair(request: Request) -> Response:
    params = request.query_params

    def work(ctx: Context) -> None:
        SendAsService(ctx, SEND_AS).delete_pair(params.get("allowing_user_id"), params.get("allowed_user_id"))

    run(request, work, writes=True)
    return json_response({}, status_code=204)


@router.post(
    "/send_as/bulk/",
    summary="Allow and disallow several users at once",
    operation_id="send_as_bulk",
    tags=TAGS,
    openapi_extra={
        "requestBody": request_body(BULK),
        "responses": answer(envelope(of_fields(SEND_AS.fields), has_more=False)),
    },
)
def bulk(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return {"data": SendAsService(ctx, SEND_AS).bulk(body)}

    return json_response(run(request, work, writes=True))
