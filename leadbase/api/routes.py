"""The generic routes: an Endpoint becomes list, create, get, update and delete."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.endpoint import Endpoint
from leadbase.api.params import FieldSelection, parse_list_query, project
from leadbase.api.responses import json_response
from leadbase.api.schemas import EMPTY_OBJECT, answer, envelope, of_fields, request_body
from leadbase.api.unit import body_of, max_skip_of, run, tz_offset_of
from leadbase.db.context import Context

Handler = Callable[[Request], Response]

ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
FIELDS_PARAMETER = {
    "name": "_fields",
    "in": "query",
    "required": False,
    "description": "Comma-separated fields to return; `custom` for every custom field, `_all` for all.",
    "schema": {"type": "string"},
}


def list_parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    spec = endpoint.spec
    params: list[dict[str, Any]] = [
        {
            "name": "_limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "default": endpoint.default_limit, "maximum": endpoint.max_limit},
        },
        {"name": "_skip", "in": "query", "required": False, "schema": {"type": "integer", "default": 0}},
        FIELDS_PARAMETER,
    ]
    if spec.orderings:
        params.append(
            {
                "name": "_order_by",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "Field to sort by; prefix with - for descending: "
                + ", ".join(sorted(spec.orderings)),
            }
        )
    if spec.family is not None:
        for name in ("_type", "_type__in"):
            params.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "Comma-separated types ("
                    + ", ".join(sorted(spec.members()))
                    + "), "
                    + ", ".join(sorted(spec.family.aliases))
                    + " or custom type ids.",
                }
            )
    for f in spec.filters.values():
        schema: dict[str, Any] = {"type": "string"}
        if f.kind == "datetime":
            schema = {"type": "string", "format": "date-time"}
        params.append({"name": f.name, "in": "query", "required": False, "schema": schema})
        for op in sorted(f.operators - {"eq"}):
            params.append({"name": f"{f.name}__{op}", "in": "query", "required": False, "schema": schema})
    params.extend(endpoint.list_parameters)
    return params


def fields_of(request: Request) -> FieldSelection | None:
    return FieldSelection.parse(request.query_params.get("_fields"))


def list_response(endpoint: Endpoint, ctx: Context, request: Request) -> dict[str, Any]:
    spec = endpoint.spec
    params = request.query_params
    query = parse_list_query(endpoint, params, tz_offset_of(request), max_skip_of(request))
    service = spec.service(ctx, spec)
    page = service.list_page(query, params)
    selection = fields_of(request)
    # Projection before rendering: what `_fields` leaves out need not be loaded.
    ctx.shown = selection.shown() if selection is not None else None
    body: dict[str, Any] = {"data": [project(o, selection) for o in service.render(page.rows)]}
    if endpoint.has_more:
        body["has_more"] = page.has_more
    if page.total is not None:
        body["total_results"] = page.total
    body.update(service.list_extras(query))
    return body


def add_resource_routes(router: APIRouter, endpoint: Endpoint) -> None:
    """Register the standard verbs of one resource (only those in endpoint.verbs)."""
    spec = endpoint.spec
    collection = f"/{spec.path}/"
    item = f"/{spec.path}/{{id}}/"
    noun = endpoint.summary_name or spec.model_name
    tags: list[str | Enum] = [endpoint.tag or spec.path.split("/")[0]]

    def list_objects(request: Request) -> Response:
        return json_response(run(request, lambda ctx: list_response(endpoint, ctx, request), writes=False))

    def create_object(request: Request) -> Response:
        body = body_of(request)

        def work(ctx: Context) -> dict[str, Any]:
            return spec.service(ctx, spec).create(body)

        data = run(request, work, writes=True)
        headers = None
        if endpoint.create_status == 201 and isinstance(data.get("id"), str):
            # Close's newer APIs answer 201 with the new object's URL.
            headers = {"Location": f"{str(request.base_url).rstrip('/')}{request.url.path}{data['id']}/"}
        return json_response(
            project(data, fields_of(request)), status_code=endpoint.create_status, headers=headers
        )

    def get_object(request: Request) -> Response:
        object_id = request.path_params["id"]
        selection = fields_of(request)

        def work(ctx: Context) -> dict[str, Any]:
            ctx.shown = selection.shown() if selection is not None else None
            service = spec.service(ctx, spec)
            return service.render_one(service.get(object_id))

        return json_response(project(run(request, work, writes=False), selection))

    def update_object(request: Request) -> Response:
        object_id = request.path_params["id"]
        body = body_of(request)

        def work(ctx: Context) -> dict[str, Any]:
            service = spec.service(ctx, spec)
            return service.update(service.get(object_id), body)

        return json_response(project(run(request, work, writes=True), fields_of(request)))

    def delete_object(request: Request) -> Response:
        object_id = request.path_params["id"]

        def work(ctx: Context) -> None:
            service = spec.service(ctx, spec)
            service.delete(service.get(object_id))

        run(request, work, writes=True)
        return json_response({}, status_code=endpoint.delete_status)

    name = spec.name
    shape = of_fields(spec.fields)
    if "list" in endpoint.verbs:
        router.add_api_route(
            collection,
            list_objects,
            methods=["GET"],
            summary=f"List {endpoint.summary_plural or noun + 's'}",
            operation_id=f"{name}_list",
            tags=tags,
            openapi_extra={
                "parameters": list_parameters(endpoint),
                "responses": answer(
                    envelope(shape, has_more=endpoint.has_more, total=endpoint.total_results)
                ),
            },
        )
    if "create" in endpoint.verbs:
        router.add_api_route(
            collection,
            create_object,
            methods=["POST"],
            summary=f"Create a {noun}",
            operation_id=f"{name}_create",
            tags=tags,
            status_code=endpoint.create_status,
            openapi_extra={
                "parameters": [FIELDS_PARAMETER],
                "requestBody": request_body(of_fields(spec.fields, request=True, creating=True)),
                "responses": answer(shape, endpoint.create_status),
            },
        )
    if "get" in endpoint.verbs:
        router.add_api_route(
            item,
            get_object,
            methods=["GET"],
            summary=f"Get a {noun}",
            operation_id=f"{name}_get",
            tags=tags,
            openapi_extra={"parameters": [ID_PARAMETER, FIELDS_PARAMETER], "responses": answer(shape)},
        )
    if "update" in endpoint.verbs:
        router.add_api_route(
            item,
            update_object,
            methods=["PUT"],
            summary=f"Update a {noun}",
            operation_id=f"{name}_update",
            tags=tags,
            openapi_extra={
                "parameters": [ID_PARAMETER, FIELDS_PARAMETER],
                "requestBody": request_body(of_fields(spec.fields, request=True)),
                "responses": answer(shape),
            },
        )
    if "delete" in endpoint.verbs:
        router.add_api_route(
            item,
            delete_object,
            methods=["DELETE"],
            summary=f"Delete a {noun}",
            operation_id=f"{name}_delete",
            tags=tags,
            status_code=endpoint.delete_status,
            openapi_extra={
                "parameters": [ID_PARAMETER],
                "responses": answer(
                    None if endpoint.delete_status == 204 else EMPTY_OBJECT, endpoint.delete_status
                ),
            },
        )
