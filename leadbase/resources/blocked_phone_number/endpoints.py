"""GET|PUT /blocked_phone_number/settings/: whether anonymous inbound calls are rejected."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.blocked_phone_number.service import BlockedPhoneSettingService
from leadbase.resources.blocked_phone_number.spec import BLOCKED_PHONE_SETTINGS

router = APIRouter()
TAGS: list[Any] = ["blocked_phone_numbers"]
SHAPE = of_fields(BLOCKED_PHONE_SETTINGS.fields)


@router.get(
    "/blocked_phone_number/settings/",
    summary="Get the blocked phone number settings",
    operation_id="blocked_phone_number_settings_get",
    tags=TAGS,
    openapi_extra={"responses": answer(SHAPE)},
)
def get_settings(request: Request) -> Response:
    def work(ctx: Context) -> dict[str, Any]:
        return BlockedPhoneSettingService(ctx, BLOCKED_PHONE_SETTINGS).show()

    return json_response(run(request, work, writes=False))


@router.put(
    "/blocked_phone_number/settings/",
    summary="Update the blocked phone number settings",
    operation_id="blocked_phone_number_settings_update",
    tags=TAGS,
    openapi_extra={
        "requestBody": request_body(of_fields(BLOCKED_PHONE_SETTINGS.fields, request=True)),
        "responses": answer(SHAPE),
    },
)
def put_settings(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return BlockedPhoneSettingService(ctx, BLOCKED_PHONE_SETTINGS).put(body)

    return json_response(run(request, work, writes=True))
