"""POST /enrich_field/: AI field enrichment through the configured provider (service.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.resources.enrich_field.service import answer_of, ask, prepare, save

router = APIRouter()
STRING: dict[str, Any] = {"type": "string"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}

REQUEST = {
    **object_schema(
        "Without a provider configured (LEADBASE_ENRICHMENT_PROVIDER), the answer is a 400 saying so.",
        organization_id=STRING,
        object_type={"type": "string", "enum": ["lead", "contact"]},
        object_id=STRING,
        field_id={
            **STRING,
            "description": "A custom field of the object's kind: text, number, date or choices.",
        },
        set_new_value={**BOOLEAN, "default": True, "description": "Save the value found."},
        overwrite_existing_value={
            **BOOLEAN,
            "default": False,
            "description": "Save it even when the field already holds a value.",
        },
    ),
    "required": ["organization_id", "object_type", "object_id", "field_id"],
}
ANSWER = object_schema(
    "What the provider found (value null: nothing).",
    organization_id=STRING,
    object_type=STRING,
    object_id=STRING,
    field_id=STRING,
    value={"description": "The value, as the field shows it"},
    confidence={"type": "string", "nullable": True},
    reasoning={"type": "string", "nullable": True},
)


@router.post(
    "/enrich_field/",
    summary="Enrich a specific field on a lead or contact using AI",
    operation_id="enrich_field",
    tags=["field_enrichment"],
    openapi_extra={"requestBody": request_body(REQUEST), "responses": answer(ANSWER)},
)
def enrich_field(request: Request) -> Response:
    body = body_of(request)
    provider = getattr(request.app.state, "enrichment_provider", None)
    question = run(request, lambda ctx: prepare(ctx, body), writes=False)
    # No transaction is open while the provider works.
    found = ask(provider, question)
    run(request, lambda ctx: save(ctx, question, found), writes=True)
    return json_response(answer_of(question, found))
