"""GET /role/: the built-in roles, then the organization's custom roles (oldest first)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.params import FieldSelection, project
from leadbase.api.responses import json_response
from leadbase.api.routes import FIELDS_PARAMETER
from leadbase.api.schemas import answer, envelope, of_fields
from leadbase.api.unit import run
from leadbase.db.context import Context
from leadbase.db.permissions import BUILT_IN_ROLES
from leadbase.resources.role.service import RoleService
from leadbase.resources.role.spec import ROLE

router = APIRouter()


def all_roles(ctx: Context) -> list[dict[str, Any]]:
    service = RoleService(ctx, ROLE)
    custom = service.repo.children(ROLE, "organization_id", [ctx.organization_id])
    return service.render(service.built_in_rows(list(BUILT_IN_ROLES.values())) + custom)


@router.get(
    "/role/",
    summary="List roles",
    operation_id="role_list",
    tags=["roles"],
    openapi_extra={"parameters": [FIELDS_PARAMETER], "responses": answer(envelope(of_fields(ROLE.fields)))},
)
def list_roles(request: Request) -> Response:
    selection = FieldSelection.parse(request.query_params.get("_fields"))
    roles = run(request, all_roles, writes=False)
    return json_response({"data": [project(r, selection) for r in roles], "has_more": False})
