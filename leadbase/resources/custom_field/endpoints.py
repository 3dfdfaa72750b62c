"""Shared field associations, and the legacy /custom_fields/<kind>/ aliases."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.routes import add_resource_routes
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.custom_field.associations import SharedFieldAssociations
from leadbase.resources.custom_field.spec import LEGACY_ENDPOINTS

router = APIRouter()
ASSOCIATION = object_schema(
    "Where a shared field applies, and how.",
    object_type={"type": "string", "description": "lead, contact, opportunity, custom_activity_type..."},
    custom_activity_type_id={"type": "string"},
    custom_object_type_id={"type": "string"},
    editable_with_roles={"type": "array", "items": {"type": "string"}},
    required={"type": "boolean"},
)
TAGS: list[Any] = ["custom_fields"]
FIELD_ID = {"name": "scf_id", "in": "path", "required": True, "schema": {"type": "string"}}
OBJECT_TYPE = {
    "name": "object_type",
    "in": "path",
    "required": True,
    "description": "lead, contact, opportunity, custom_activity_type/<id> or custom_object_type/<id>",
    "schema": {"type": "string"},
}


def _routes(prefix: str, *, in_schema: bool) -> APIRouter:
    routes = APIRouter()
    collection = f"/{prefix}/shared/{{scf_id}}/association/"
    item = f"/{prefix}/shared/{{scf_id}}/association/{{object_type:path}}/"
    suffix = "" if in_schema else "_legacy"

    def create(request: Request) -> Response:
        scf_id = request.path_params["scf_id"]
        body = body_of(request)

        def work(ctx: Context) -> dict[str, Any]:
            return SharedFieldAssociations(ctx).create(scf_id, body)

        return json_response(run(request, work, writes=True), status_code=201)

    def get(request: Request) -> Response:
        scf_id, path = request.path_params["scf_id"], request.path_params["object_type"]
        return json_response(
            run(request, lambda ctx: SharedFieldAssociations(ctx).get(scf_id, path), writes=False)
        )

    def update(request: Request) -> Response:
        scf_id, path = request.path_params["scf_id"], request.path_params["object_type"]
        body = body_of(request)

        def work(ctx: Context) -> dict[str, Any]:
            return SharedFieldAssociations(ctx).update(scf_id, path, body)

        return json_response(run(request, work, writes=True))

    def delete(request: Request) -> Response:
        scf_id, path = request.path_params["scf_id"], request.path_params["object_type"]

        def work(ctx: Context) -> None:
            SharedFieldAssociations(ctx).delete(scf_id, path)

        run(request, work, writes=True)
        return json_response({}, status_code=204)

    common: dict[str, Any] = {"tags": TAGS, "include_in_schema": in_schema}
    routes.add_api_route(
        collection,
        create,
        methods=["POST"],
        status_code=201,
        summary="Associate a Shared Custom Field with an object type",
        operation_id=f"custom_field_shared_association_create{suffix}",
        openapi_extra={
            "parameters": [FIELD_ID],
            "requestBody": request_body(ASSOCIATION),
            "responses": answer(ASSOCIATION, 201),
        },
        **common,
    )
    for method, handler, summary, status in (
        ("GET", get, "Fetch a Shared Custom Field Association", 200),
        ("PUT", update, "Update a Shared Custom Field Association", 200),
        ("DELETE", delete, "Disassociate a Shared Custom Field from an object type", 204),
    ):
        extra: dict[str, Any] = {
            "parameters": [FIELD_ID, OBJECT_TYPE],
            "responses": answer(None if status == 204 else ASSOCIATION, status),
        }
        if method == "PUT":
            extra["requestBody"] = request_body(ASSOCIATION)
        routes.add_api_route(
            item,
            handler,
            methods=[method],
            status_code=status,
            summary=summary,
            operation_id=f"custom_field_shared_association_{method.lower()}{suffix}",
            openapi_extra=extra,
            **common,
        )
    return routes


router.include_router(_routes("custom_field", in_schema=True))
# Close keeps the plural /custom_fields/ working (the Singer tap and older libraries use it).
legacy = _routes("custom_fields", in_schema=False)
for endpoint in LEGACY_ENDPOINTS.values():
    add_resource_routes(legacy, endpoint)
for route in legacy.routes:
    if isinstance(route, APIRoute):
        route.include_in_schema = False
router.include_router(legacy)
