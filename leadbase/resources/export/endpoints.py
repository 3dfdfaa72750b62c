"""POST /export/lead/ and /export/opportunity/, and the download link of a finished export.

The download link is leadbase's stand-in for Close's pre-signed S3 URL: no API key, the
signature (HMAC-SHA256 with the export's secret over its id and the link's expiry) is the
credential, and it works for `export_link_seconds` after the answer that showed it. The file
is served as Close serves it: the gzip bytes with `Content-Encoding: gzip` and the format's
content type. A link past its time, or to a file past its lifetime, answers 410.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from anyio import to_thread
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, of_fields, request_body
from leadbase.api.unit import body_of, run
from leadbase.core import clock
from leadbase.db.context import Context
from leadbase.db.exports import DONE, find
from leadbase.db.repository import Row
from leadbase.resources.export.service import DOWNLOAD_PATH, ExportService, exports_directory, signature
from leadbase.resources.export.spec import EXPORT

router = APIRouter()
# Mounted at the server's root, beside /api/v1/.
public_router = APIRouter()

COMMON: dict[str, dict[str, Any]] = {
    "format": {"type": "string", "enum": ["csv", "json"]},
    "date_format": {"type": "string", "enum": ["original", "iso8601", "excel"]},
    "fields": {"type": "array", "items": {"type": "string"}},
    "send_done_email": {"type": "boolean"},
}
LEAD_BODY = object_schema(
    "Export the leads a search selects (every lead without s_query).",
    type={"type": "string", "enum": ["leads", "contacts", "lead_opps"]},
    s_query={"type": "object"},
    query={"type": "string", "description": "A lead query string, instead of s_query."},
    results_limit={"type": "integer"},
    sort={"type": "array", "items": {"type": "object"}},
    include_activities={"type": "boolean"},
    include_smart_fields={"type": "boolean"},
    **COMMON,
)
OPPORTUNITY_BODY = object_schema(
    "Export the opportunities the /opportunity/ list filters in params select.",
    params={"type": "object", "additionalProperties": {"type": "string"}},
    **COMMON,
)
CONTENT_TYPES = {"csv": "text/csv", "json": "application/json"}
GONE = "This export link has expired: get the export again for a fresh download_url."
NOT_FOUND = "No export file here: the link is wrong."


def _create(request: Request, kind: str) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> dict[str, Any]:
        return ExportService(ctx, EXPORT).create({**body, "kind": kind})

    return json_response(run(request, work, writes=True))


@router.post(
    "/export/lead/",
    summary="Export leads based on a search query",
    operation_id="export_lead_create",
    tags=["exports"],
    openapi_extra={"requestBody": request_body(LEAD_BODY), "responses": answer(of_fields(EXPORT.fields))},
)
def create_lead_export(request: Request) -> Response:
    return _create(request, "lead")


@router.post(
    "/export/opportunity/",
    summary="Export opportunities, based on opportunity filters",
    operation_id="export_opportunity_create",
    tags=["exports"],
    openapi_extra={
        "requestBody": request_body(OPPORTUNITY_BODY),
        "responses": answer(of_fields(EXPORT.fields)),
    },
)
def create_opportunity_export(request: Request) -> Response:
    return _create(request, "opportunity")


def _downloadable(request: Request, export_id: str, file_name: str) -> tuple[int, Row | None]:
    """(200, row) for a good link; (404, None) for a wrong one; (410, None) for an expired one."""
    try:
        expires = int(request.query_params.get("expires", ""))
    except ValueError:
        return 404, None
    with request.app.state.engine.connect() as conn, conn.begin():
        row = find(conn, export_id)
    if row is None or row["status"] != DONE:
        return 404, None
    given = request.query_params.get("signature", "")
    if not hmac.compare_digest(given, signature(row["token"], row["id"], expires)):
        return 404, None
    now = clock.now()
    if expires < now.timestamp() or not row["file_name"] or (row["expires_at"] and row["expires_at"] <= now):
        return 410, None
    if file_name != row["file_name"]:
        return 404, None
    return 200, row


@public_router.api_route(DOWNLOAD_PATH, methods=["GET", "HEAD"], include_in_schema=False)
async def download(request: Request, export_id: str, file_name: str) -> Response:
    status, row = await to_thread.run_sync(_downloadable, request, export_id, file_name)
    if row is None:
        return json_response({"error": GONE if status == 410 else NOT_FOUND}, status_code=status)
    path = exports_directory(request.app.state.settings) / f"{row['file_name']}.gz"
    if not await to_thread.run_sync(Path(path).is_file):
        return json_response({"error": GONE}, status_code=410)
    headers = {
        "Content-Encoding": "gzip",
        "Content-Disposition": f'attachment; filename="{row["file_name"]}"',
        "Cache-Control": "private, max-age=0",
    }
    return FileResponse(path, media_type=CONTENT_TYPES[row["format"]], headers=headers)
