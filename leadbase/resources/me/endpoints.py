"""GET /me/: the key's user, its memberships and its organizations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.params import FieldSelection, project
from leadbase.api.responses import json_response
from leadbase.api.routes import FIELDS_PARAMETER
from leadbase.api.schemas import answer, of_fields
from leadbase.api.unit import run
from leadbase.db.context import Context
from leadbase.db.resource import resources
from leadbase.resources import load_all

load_all()
USERS, ORGANIZATIONS = "user", "organization"
ACCOUNTS, PHONE_NUMBERS = "connected_account", "phone_number"
# What /me/ shows of each of the user's phone numbers (Close's `phone_numbers` entries).
PHONE_KEYS = ("id", "number", "organization_id", "date_created", "date_updated")

router = APIRouter()


def me(ctx: Context) -> dict[str, Any]:
    # The user and the organization as their own services show them (through the registry, not
    # their packages): /me/ is the one view of both.
    users_spec = resources.get(USERS)
    users = users_spec.service(ctx, users_spec)
    assert ctx.actor.user_id is not None
    user_row = users.get(ctx.actor.user_id)
    (data,) = users.render([user_row])
    # An API key acts in one organization; /me/ shows that one.
    organizations_spec = resources.get(ORGANIZATIONS)
    organizations = organizations_spec.service(ctx, organizations_spec)
    (org,) = organizations.render([organizations.get(ctx.organization_id)])
    members = [
        m for m in org["memberships"] + org["inactive_memberships"] if m.get("user_id") == user_row["id"]
    ]
    return {
        **data,
        "organizations": [org],
        "memberships": members,
        "email_accounts": _owned(ctx, ACCOUNTS, user_row["id"]),
        "phone_numbers": [
            {key: number[key] for key in PHONE_KEYS} for number in _owned(ctx, PHONE_NUMBERS, user_row["id"])
        ],
        "last_used_timezone": None,
    }


def _owned(ctx: Context, path: str, user_id: str) -> list[dict[str, Any]]:
    """The user's objects of a resource with a `user_id` (connected accounts, personal phone
    numbers), rendered by the resource's own service: one query."""
    spec = resources.get(path)
    service = spec.service(ctx, spec)
    rows = service.repo.children(spec, "user_id", [user_id])
    return service.render(rows) if rows else []


LIST = {"type": "array", "items": {"type": "object"}}
ME = {
    **of_fields(resources.get(USERS).fields),
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
