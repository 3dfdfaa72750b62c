"""The membership routes besides the generic update: add a member, bulk update, pinned views."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.routes import ID_PARAMETER
from leadbase.api.schemas import answer, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.resources.membership.service import MembershipService
from leadbase.resources.membership.spec import MEMBERSHIP

router = APIRouter()
TAGS: list[Any] = ["memberships"]
SHAPE = of_fields(MEMBERSHIP.fields)
PINS = {
    "type": "object",
    "properties": {"saved_view_ids": {"type": "array", "items": {"type": "string"}}},
    "required": ["saved_view_ids"],
}
ADD = {
    "type": "object",
    "properties": {"email": {"type": "string", "format": "email"}, "role_id": {"type": "string"}},
    "required": ["email", "role_id"],
}
BULK = {
    "type": "object",
    "properties": {
        "_params": {
            "type": "object",
            "properties": {"id__in": {"type": "string", "description": "Comma-separated membership ids."}},
        },
        **of_fields(MEMBERSHIP.fields, request=True)["properties"],
    },
}
COUNT = {"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"]}


def _service(ctx: Context) -> MembershipService:
    return MembershipService(ctx, MEMBERSHIP)


@router.post(
    "/membership/",
    summary="Add a member (or reactivate one)",
    operation_id="membership_create",
    tags=TAGS,
    openapi_extra={"requestBody": request_body(ADD), "responses": answer(SHAPE)},
)
def add_member(request: Request) -> Response:
    body = body_of(request)
    return json_response(run(request, lambda ctx: _service(ctx).ensure(body), writes=True))


def _bulk_ids(request: Request, body: dict[str, Any]) -> list[str]:
    params = body.get("_params")
    raw = params.get("id__in") if isinstance(params, dict) else None
    raw = raw if raw is not None else request.query_params.get("id__in")
    if isinstance(raw, list):
        raw = ",".join(str(i) for i in raw)
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(errors=["Name the memberships to update: _params.id__in, comma-separated ids."])
    return list(dict.fromkeys(i.strip() for i in raw.split(",") if i.strip()))


@router.put(
    "/membership/",
    summary="Bulk update memberships",
    operation_id="membership_bulk_update",
    tags=TAGS,
    openapi_extra={"requestBody": request_body(BULK), "responses": answer(COUNT)},
)
def bulk_update(request: Request) -> Response:
    body = body_of(request)
    ids = _bulk_ids(request, body)
    changes = {k: v for k, v in body.items() if k != "_params"}

    def work(ctx: Context) -> dict[str, Any]:
        service = _service(ctx)
        # Every id must be one of the organization's memberships (else 404, nothing written).
        rows = [service.get(i) for i in ids]
        for row in rows:
            service.update(row, changes)
        return {"count": len(rows)}

    return json_response(run(request, work, writes=True))


@router.get(
    "/membership/{id}/pinned_views/",
    summary="Get a membership's pinned views",
    operation_id="membership_pinned_views_get",
    tags=TAGS,
    openapi_extra={"parameters": [ID_PARAMETER], "responses": answer(PINS)},
)
def get_pins(request: Request) -> Response:
    membership_id = request.path_params["id"]

    def work(ctx: Context) -> dict[str, Any]:
        service = _service(ctx)
        row = service.get(membership_id)
        service.may_see_pins(row)
        return {"saved_view_ids": list(row.get("pinned_view_ids") or [])}

    return json_response(run(request, work, writes=False))


@router.put(
    "/membership/{id}/pinned_views/",
    summary="Set a membership's pinned views",
    operation_id="membership_pinned_views_update",
    tags=TAGS,
    openapi_extra={
        "parameters": [ID_PARAMETER],
        "requestBody": request_body(PINS),
        "responses": answer(PINS),
    },
)
def set_pins(request: Request) -> Response:
    membership_id = request.path_params["id"]
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        service = _service(ctx)
        return {"saved_view_ids": service.pin(service.get(membership_id), body)}

    return json_response(run(request, work, writes=True))
