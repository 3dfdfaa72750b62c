"""Adding users to a group and removing them (the group's own routes are generic)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.group.service import GroupService
from leadbase.resources.group.spec import GROUP

router = APIRouter()
TAGS: list[Any] = ["groups"]
MEMBER = {"type": "object", "properties": {"user_id": {"type": "string"}}, "required": ["user_id"]}
GROUP_ID = {"name": "group_id", "in": "path", "required": True, "schema": {"type": "string"}}
USER_ID = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}


@router.post(
    "/group/{group_id}/member/",
    summary="Add a user to a group",
    operation_id="group_member_add",
    tags=TAGS,
    status_code=201,
    openapi_extra={
        "parameters": [GROUP_ID],
        "requestBody": request_body(MEMBER),
        "responses": answer(MEMBER, 201),
    },
)
def add_member(request: Request) -> Response:
    group_id = request.path_params["group_id"]
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        service = GroupService(ctx, GROUP)
        return service.add_member(service.get(group_id), body)

    return json_response(run(request, work, writes=True), status_code=201)


@router.delete(
    "/group/{group_id}/member/{user_id}/",
    summary="Remove a user from a group",
    operation_id="group_member_remove",
    tags=TAGS,
    status_code=204,
    openapi_extra={"parameters": [GROUP_ID, USER_ID], "responses": answer(None, 204)},
)
def remove_member(request: Request) -> Response:
    group_id = request.path_params["group_id"]
    user_id = request.path_params["user_id"]

    def work(ctx: Context) -> None:
        service = GroupService(ctx, GROUP)
        service.remove_member(service.get(group_id), user_id)

    run(request, work, writes=True)
    return json_response({}, status_code=204)
