"""POST /unsubscribe/email/ and DELETE /unsubscribe/email/{email_address}/ (resubscribe)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.unsubscribe.service import UnsubscribedEmailService
from leadbase.resources.unsubscribe.spec import UNSUBSCRIBED_EMAIL

router = APIRouter()
TAGS: list[Any] = ["unsubscribed_emails"]
SHAPE = of_fields(UNSUBSCRIBED_EMAIL.fields)
ADDRESS = {"name": "email_address", "in": "path", "required": True, "schema": {"type": "string"}}


@router.post(
    "/unsubscribe/email/",
    summary="Unsubscribe an email address",
    operation_id="unsubscribe_email_create",
    tags=TAGS,
    status_code=201,
    openapi_extra={
        "requestBody": request_body(of_fields(UNSUBSCRIBED_EMAIL.fields, request=True, creating=True)),
        "responses": answer(SHAPE, 201),
    },
)
def unsubscribe(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return UnsubscribedEmailService(ctx, UNSUBSCRIBED_EMAIL).unsubscribe(body)

    return json_response(run(request, work, writes=True), status_code=201)


@router.delete(
    "/unsubscribe/email/{email_address}/",
    summary="Resubscribe an email address",
    operation_id="unsubscribe_email_delete",
    tags=TAGS,
    openapi_extra={"parameters": [ADDRESS], "responses": answer(SHAPE)},
)
def resubscribe(request: Request) -> Response:
    address = request.path_params["email_address"]

    def work(ctx: Context) -> dict[str, Any]:
        return UnsubscribedEmailService(ctx, UNSUBSCRIBED_EMAIL).resubscribe(address)

    return json_response(run(request, work, writes=True))
