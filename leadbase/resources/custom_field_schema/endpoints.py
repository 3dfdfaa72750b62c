"""GET and PUT /custom_field_schema/{object_type}/ (object_type may hold a slash)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.custom_field_schema.service import reorder_schema, schema

router = APIRouter()
OBJECT_TYPE = {
    "name": "object_type",
    "in": "path",
    "required": True,
    "description": "lead, contact, opportunity, activity/<custom_activity_type_id> or "
    "custom_object/<custom_object_type_id>",
    "schema": {"type": "string"},
}
PATH = "/custom_field_schema/{object_type:path}/"
FIELDS = {"type": "array", "items": {"type": "object"}}
SCHEMA = object_schema(
    "The custom fields of one kind of object, in order.",
    object_type={"type": "string"},
    name={"type": "string"},
    organization_id={"type": "string"},
    fields=FIELDS,
)
REORDER = object_schema(
    "Every field of the schema, in the new order.",
    fields={"type": "array", "items": object_schema(id={"type": "string"})},
)


@router.get(
    PATH,
    summary="Retrieve a custom field schema",
    operation_id="custom_field_schema_get",
    tags=["custom_fields"],
    openapi_extra={"parameters": [OBJECT_TYPE], "responses": answer(SCHEMA)},
)
def get_schema(request: Request) -> Response:
    path = request.path_params["object_type"]
    return json_response(run(request, lambda ctx: schema(ctx, path), writes=False))


@router.put(
    PATH,
    summary="Reorder the fields of a custom field schema",
    operation_id="custom_field_schema_update",
    tags=["custom_fields"],
    openapi_extra={
        "parameters": [OBJECT_TYPE],
        "requestBody": request_body(REORDER),
        "responses": answer(SCHEMA),
    },
)
def put_schema(request: Request) -> Response:
    path = request.path_params["object_type"]
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return reorder_schema(ctx, path, body)

    return json_response(run(request, work, writes=True))
