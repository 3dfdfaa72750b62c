"""GET /user/availability/: which members are reachable for calls, and how.

leadbase has no calling, no desktop or mobile app and no presence: no member ever has a client
connected. Every active member is listed, with an empty `availability` (no connected client,
so no status and no active calls), which is what Close answers for a member who is signed in
nowhere. Members are listed in the order of their membership.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer
from leadbase.api.unit import run
from leadbase.core.errors import NotFound
from leadbase.db.context import Context
from leadbase.db.models import membership

router = APIRouter()

CALL = {"type": "object", "properties": {"id": {"type": "string"}, "method": {"type": "string"}}}
AVAILABILITY = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["mobile", "native", "web"]},
        "status": {"type": "string", "enum": ["online", "offline"]},
        "active_calls": {"type": "array", "items": CALL},
    },
}
ANSWER = {
    "type": "object",
    "properties": {
        "data": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "user_id": {"type": "string"},
                    "availability": {"type": "array", "items": AVAILABILITY},
                },
                "required": ["user_id", "availability"],
            },
        }
    },
    "required": ["data"],
}
ORGANIZATION_PARAMETER = {
    "name": "organization_id",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
}


def availability(ctx: Context, organization_id: str | None) -> dict[str, Any]:
    if organization_id and organization_id != ctx.organization_id:
        raise NotFound.for_model("Organization")
    rows = ctx.conn.execute(
        select(membership.c.user_id)
        .where(membership.c.organization_id == ctx.organization_id, membership.c.is_active.is_(True))
        .order_by(membership.c.date_created, membership.c.id)
    )
    return {"data": [{"user_id": r.user_id, "availability": []} for r in rows]}


@router.get(
    "/user/availability/",
    summary="List user availability statuses",
    operation_id="user_availability_list",
    tags=["users"],
    openapi_extra={"parameters": [ORGANIZATION_PARAMETER], "responses": answer(ANSWER)},
)
def list_availability(request: Request) -> Response:
    organization_id = request.query_params.get("organization_id")
    return json_response(run(request, lambda ctx: availability(ctx, organization_id), writes=False))
