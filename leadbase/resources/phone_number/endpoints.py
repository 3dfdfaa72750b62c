"""POST /phone_number/request/internal/: rent an internal number (a fictional one, allocation.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.middleware import API_PREFIX
from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.phone_number.service import CARRIER_TYPES, PhoneNumberService
from leadbase.resources.phone_number.spec import PHONE_NUMBER

router = APIRouter()
REQUEST = {
    "type": "object",
    "properties": {
        "country": {"type": "string", "description": "ISO 3166 alpha-2: US or CA"},
        "sharing": {"type": "string", "enum": ["personal", "group"]},
        "prefix": {"type": "string", "description": "An area code (415); the country's default when empty"},
        "with_sms": {"type": "boolean"},
        "with_mms": {"type": "boolean"},
        "carrier_type": {"type": "string", "enum": list(CARRIER_TYPES)},
        "bundle_id": {"type": "string", "nullable": True},
    },
    "required": ["country", "sharing"],
}


@router.post(
    "/phone_number/request/internal/",
    summary="Rent an internal phone number",
    operation_id="phone_number_request_internal",
    tags=["phone_numbers"],
    status_code=201,
    openapi_extra={
        "requestBody": request_body(REQUEST),
        "responses": answer(of_fields(PHONE_NUMBER.fields), 201),
    },
)
def request_internal(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return PhoneNumberService(ctx, PHONE_NUMBER).create(body)

    data = run(request, work, writes=True)
    # As Close's newer creates: 201 with the new object's URL.
    location = f"{str(request.base_url).rstrip('/')}{API_PREFIX}/phone_number/{data['id']}/"
    return json_response(data, status_code=201, headers={"Location": location})
