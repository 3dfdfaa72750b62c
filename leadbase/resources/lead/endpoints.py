"""POST /lead/merge/ (registered before the generic /lead/{id}/ routes)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import EMPTY_OBJECT, answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.lead.merge import LeadMerge
from leadbase.resources.lead.spec import LEAD

router = APIRouter()

MERGE_BODY = {
    **object_schema(
        "The source lead is merged into the destination, then deleted.",
        source={"type": "string", "description": "The lead that goes (lead_...)."},
        destination={"type": "string", "description": "The lead that stays and receives the data."},
    ),
    "required": ["source", "destination"],
}


@router.post(
    "/lead/merge/",
    summary="Merge two leads",
    operation_id="lead_merge",
    tags=["leads"],
    openapi_extra={"requestBody": request_body(MERGE_BODY), "responses": answer(EMPTY_OBJECT)},
)
def merge_leads(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> None:
        LeadMerge(ctx, LEAD).run(body)

    run(request, work, writes=True)
    return json_response({})
