"""The routes of scheduling links that are not plain CRUD: an integration's upsert and delete by
`source_id`, and mapping a shared link for a member (and unmapping it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.scheduling_link.service import (
    INTEGRATION_FIELDS,
    SOURCE_ID,
    LinkMapService,
    UserLinkService,
)
from leadbase.resources.scheduling_link.spec import SCHEDULING_LINK, SHARED_SCHEDULING_LINK_ASSOCIATION

router = APIRouter()
TAGS: list[Any] = ["scheduling_links"]
STRING = {"type": "string"}

INTEGRATION_BODY = INTEGRATION_FIELDS.request_schema(creating=True)
INTEGRATION_BODY = {
    **INTEGRATION_BODY,
    "properties": {"source_id": SOURCE_ID.schema(), **INTEGRATION_BODY["properties"]},
    "required": ["source_id", *INTEGRATION_BODY.get("required", [])],
    "description": "name and url are required when the source_id is new; otherwise the keys sent change.",
}
MAP_TARGET = {
    "organization_id": STRING,
    "shared_scheduling_link_id": STRING,
    "user_id": {
        **STRING,
        "description": "The member whose link this is (yourself, unless you manage customizations).",
    },
}
MAP_BODY = {
    **object_schema(
        "A member's shared link points at one of their user links or at a URL: give one of the two.",
        **MAP_TARGET,
        user_scheduling_link_id=STRING,
        url=STRING,
    ),
    "required": ["shared_scheduling_link_id", "user_id"],
}
UNMAP_BODY = {**object_schema("The mapping to remove.", **MAP_TARGET), "required": list(MAP_BODY["required"])}
SOURCE_PARAMETER = {"name": "source_id", "in": "path", "required": True, "schema": STRING}


@router.post(
    "/scheduling_link/integration/",
    summary="Create or update a Scheduling Link via OAuth",
    operation_id="scheduling_link_integration_upsert",
    tags=TAGS,
    openapi_extra={
        "requestBody": request_body(INTEGRATION_BODY),
        "responses": answer(of_fields(SCHEDULING_LINK.fields)),
    },
)
def upsert_integration(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return UserLinkService(ctx, SCHEDULING_LINK).upsert_integration(body)

    return json_response(run(request, work, writes=True))


@router.delete(
    "/scheduling_link/integration/{source_id}/",
    summary="Delete a User Scheduling Link via OAuth integration",
    operation_id="scheduling_link_integration_delete",
    tags=TAGS,
    status_code=204,
    openapi_extra={"parameters": [SOURCE_PARAMETER], "responses": answer(None, 204)},
)
def delete_integration(request: Request) -> Response:
    source_id = request.path_params["source_id"]

    def work(ctx: Context) -> None:
        UserLinkService(ctx, SCHEDULING_LINK).delete_integration(source_id)

    run(request, work, writes=True)
    return json_response({}, status_code=204)


@router.post(
    "/shared_scheduling_link_association/",
    summary="Map a Shared Scheduling Link",
    operation_id="shared_scheduling_link_map",
    tags=TAGS,
    status_code=201,
    openapi_extra={
        "requestBody": request_body(MAP_BODY),
        "responses": answer(of_fields(SHARED_SCHEDULING_LINK_ASSOCIATION.fields), 201),
    },
)
def map_shared_link(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return LinkMapService(ctx, SHARED_SCHEDULING_LINK_ASSOCIATION).map(body)

    return json_response(run(request, work, writes=True), status_code=201)


@router.post(
    "/shared_scheduling_link_association/unmap/",
    summary="Unmap a Shared Scheduling Link",
    operation_id="shared_scheduling_link_unmap",
    tags=TAGS,
    openapi_extra={
        "requestBody": request_body(UNMAP_BODY),
        "responses": answer(object_schema("Empty, as Close answers.")),
    },
)
def unmap_shared_link(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> None:
        LinkMapService(ctx, SHARED_SCHEDULING_LINK_ASSOCIATION).unmap(body)

    run(request, work, writes=True)
    return json_response({})
