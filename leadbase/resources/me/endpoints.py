"""GET /me/: the key's user, its memberships and its organizations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.params import FieldSelection, project
from leadbase.api.responses import json_response
from leadbase.api.routes import FIELDS_PARAMETER
from leadbase.api.schemas import answer, of_fields
from leadbase.api.unit import run
from leadbase.db.context import Context
from leadbase.db.models import organization
from leadbase.resources.organization.service import memberships_of, render_membership, render_organizations
from leadbase.resources.user.service import UserService
from leadbase.resources.user.spec import USER

router = APIRouter()


def me(ctx: Context) -> dict[str, Any]:
    users = UserService(ctx, USER)
    assert ctx.actor.user_id is not None
    user_row = users.get(ctx.actor.user_id)
    (data,) = users.render([user_row])
    # An API key acts in one organization; /me/ shows that one.
    org_rows = [
        dict(r)
        for r in ctx.conn.execute(
            select(organization).where(organization.c.id == ctx.organization_id)
        ).mappings()
    ]
    members = [m for m in memberships_of(ctx, [ctx.organization_id]) if m.user_id == user_row["id"]]
    return {
        **data,
        "organizations": render_organizations(ctx, org_rows),
        "memberships": [render_membership(ctx, m) for m in members],
        "email_accounts": [],
        "phone_numbers": [],
        "last_used_timezone": None,
    }


LIST = {"type": "array", "items": {"type": "object"}}
ME = {
    **of_fields(USER.fields),
    "description": "The user of the API key, in the key's organization.",
}
ME["properties"] = {
    **ME["properties"],
    "organizations": LIST,
    "memberships": LIST,
    "email_accounts": LIST,
    "phone_numbers": LIST,
    "last_used_timezone": {"type": "string", "nullable": True},
}
ME["required"] = list(ME["properties"])


@router.get(
    "/me/",
    summary="Get the current user",
    operation_id="me_get",
    tags=["users"],
    openapi_extra={"parameters": [FIELDS_PARAMETER], "responses": answer(ME)},
)
def get_me(request: Request) -> Response:
    selection = FieldSelection.parse(request.query_params.get("_fields"))
    return json_response(project(run(request, me, writes=False), selection))
