"""POST /playbook/{id}/archive/ and /unarchive/ (the playbook's CRUD routes are generic)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, of_fields
from leadbase.api.unit import run
from leadbase.db.context import Context
from leadbase.resources.playbook.service import PlaybookService
from leadbase.resources.playbook.spec import PLAYBOOK

router = APIRouter()
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def _set_archived(request: Request, archived: bool) -> Response:
    object_id = request.path_params["id"]

    def work(ctx: Context) -> dict[str, Any]:
        service = PlaybookService(ctx, PLAYBOOK)
        return service.set_archived(service.get(object_id), archived)

    return json_response(run(request, work, writes=True))


@router.post(
    "/playbook/{id}/archive/",
    summary="Archive a playbook",
    operation_id="playbook_archive",
    tags=["playbooks"],
    openapi_extra={"parameters": [ID], "responses": answer(of_fields(PLAYBOOK.fields))},
)
def archive(request: Request) -> Response:
    return _set_archived(request, True)


@router.post(
    "/playbook/{id}/unarchive/",
    summary="Unarchive a playbook",
    operation_id="playbook_unarchive",
    tags=["playbooks"],
    openapi_extra={"parameters": [ID], "responses": answer(of_fields(PLAYBOOK.fields))},
)
def unarchive(request: Request) -> Response:
    return _set_archived(request, False)
