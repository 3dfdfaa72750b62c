"""GET /email_template/{id}/render/: the template filled in for one contact of one lead, or for
the n-th recipient of a lead search (Close's preview of a bulk email)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema
from leadbase.api.unit import run
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db.context import Context
from leadbase.resources.email_template.service import EmailTemplateService
from leadbase.resources.email_template.spec import EMAIL_TEMPLATE
from leadbase.resources.merge_tags import TemplateProblem, preview_target, rendered_email

router = APIRouter()
TEXT: dict[str, Any] = {"type": "string"}
NULLABLE_TEXT: dict[str, Any] = {"type": "string", "nullable": True}
RENDERED = object_schema(
    "The template filled in, and who it goes to ({} past the end of a search).",
    subject=TEXT,
    body=TEXT,
    lead_id=TEXT,
    lead_display_name=NULLABLE_TEXT,
    contact_id=TEXT,
    contact_display_name=NULLABLE_TEXT,
    email=NULLABLE_TEXT,
)
PARAMETERS = [
    {"name": "id", "in": "path", "required": True, "schema": TEXT},
    {"name": "lead_id", "in": "query", "required": False, "schema": TEXT},
    {"name": "contact_id", "in": "query", "required": False, "schema": TEXT},
    {"name": "query", "in": "query", "required": False, "schema": TEXT},
    {
        "name": "entry",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": 99},
    },
    {
        "name": "mode",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["lead", "contact"]},
    },
]
MODES = ("lead", "contact")


@dataclass(frozen=True)
class Preview:
    query: str
    entry: int
    mode: str


def _target(params: Mapping[str, str]) -> tuple[str, str] | Preview:
    """(lead_id, contact_id), or (query, entry, mode) for a search preview; Invalid otherwise."""
    errors = FieldErrors()
    query = params.get("query")
    if query is None:
        for name in ("lead_id", "contact_id"):
            if not params.get(name):
                errors.add(name, "This field is required (or give a search `query`).")
        errors.raise_if_any()
        return params["lead_id"], params["contact_id"]
    entry_text = params.get("entry", "0")
    entry = int(entry_text) if entry_text.isdigit() else -1
    if not 0 <= entry <= 99:
        errors.add("entry", "Must be an integer from 0 to 99.")
    mode = params.get("mode", "lead")
    if mode not in MODES:
        errors.add("mode", "Not a valid choice: use lead or contact.")
    if not query.strip():
        errors.add("query", "This field may not be blank.")
    errors.raise_if_any()
    return Preview(query, entry, mode)


@router.get(
    "/email_template/{id}/render/",
    summary="Render an email template",
    operation_id="email_template_render",
    tags=["email_templates"],
    openapi_extra={"parameters": PARAMETERS, "responses": answer(RENDERED)},
)
def render_template(request: Request) -> Response:
    template_id = request.path_params["id"]
    params = request.query_params

    def work(ctx: Context) -> dict[str, Any]:
        # The template first: another organization's id is 404 whatever the parameters.
        template = EmailTemplateService(ctx, EMAIL_TEMPLATE).get(template_id)
        target = _target(params)
        if isinstance(target, Preview):
            found = preview_target(ctx, target.query, target.entry, target.mode)
            if found is None:
                return {}
            lead_id, contact_id = found
        else:
            lead_id, contact_id = target
        try:
            return rendered_email(ctx, template["subject"], template["body"], lead_id, contact_id)
        except TemplateProblem as problem:
            raise Invalid(errors=[problem.message]) from problem

    return json_response(run(request, work, writes=False))
