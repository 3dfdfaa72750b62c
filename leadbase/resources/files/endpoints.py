"""POST /files/upload/, and the two URLs its answer hands out.

Close answers POST /files/upload/ with a signed S3 form and a temporary download URL; the client
posts the file to S3 with the form, then uses the download URL as an attachment's `url`. leadbase
is its own S3: the form posts to `/files/store/` on this server, which checks the form as S3
checks a policy, keeps the bytes in the configured store and answers as S3 does; the download URL
(`/go/file/temporary/<user>/<token>/<name>/`, Close's shape) serves them for the documented 24 hours.
Both are outside /api/v1/ and take no API key: the form's secret and the URL's token are the
credentials, as they are at Close.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncGenerator
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

import orjson
from anyio import to_thread
from fastapi import APIRouter
from sqlalchemy import Engine, select
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.core import clock
from leadbase.db.context import Actor, Context
from leadbase.db.models import file_upload
from leadbase.db.repository import Row
from leadbase.resources.files.policy import FilePolicy
from leadbase.resources.files.service import FileService, secret_hash
from leadbase.resources.files.spec import FILE_UPLOAD

router = APIRouter()
# Mounted at the server's root, beside /api/v1/.
public_router = APIRouter()

STORE_PATH = "/files/store/"
DOWNLOAD_PATH = "/go/file/temporary/{user_id}/{token}/{filename}/"
# What a form adds around the file: its fields and multipart boundaries.
FORM_OVERHEAD = 64 * 1024

UPLOAD_ANSWER = object_schema(
    "A form to post the file to, and the URL that serves it once posted.",
    upload=object_schema(
        url={"type": "string", "description": "POST multipart/form-data here: every field, then `file`."},
        fields={"type": "object", "additionalProperties": {"type": "string"}},
    ),
    download=object_schema(url={"type": "string", "description": "Valid for 24 hours once uploaded."}),
)
UPLOAD_BODY = {
    **object_schema(
        filename={"type": "string", "maxLength": 255},
        content_type={"type": "string", "description": "A MIME type, e.g. image/png."},
    ),
    "required": ["filename", "content_type"],
    "additionalProperties": False,
}


def policy_of(request: Request) -> FilePolicy:
    policy: FilePolicy = request.app.state.file_policy
    return policy


def base_url(request: Request, policy: FilePolicy) -> str:
    return (policy.public_url or str(request.base_url)).rstrip("/")


def _policy_document(upload: dict[str, Any], key: str, max_bytes: int) -> str:
    """The S3-style policy of the form, for clients that read it (leadbase checks its own row)."""
    document = {
        "expiration": upload["upload_expires"],
        "conditions": [
            {"key": key},
            {"Content-Type": upload["content_type"]},
            {"success_action_status": "201"},
            ["content-length-range", 0, max_bytes],
        ],
    }
    return base64.b64encode(orjson.dumps(document)).decode()


@router.post(
    "/files/upload/",
    summary="Get a form to upload a file with",
    operation_id="files_upload",
    tags=["files"],
    openapi_extra={"requestBody": request_body(UPLOAD_BODY), "responses": answer(UPLOAD_ANSWER)},
)
def upload_form(request: Request) -> Response:
    policy = policy_of(request)
    body = body_of(request)

    def work(ctx: Context) -> tuple[dict[str, Any], str]:
        ctx.memo["file_policy"] = policy
        service = FileService(ctx, FILE_UPLOAD)
        upload = service.create(body)
        assert service.secret is not None
        return upload, service.secret

    upload, secret = run(request, work, writes=True)
    base = base_url(request, policy)
    key = f"{upload['organization_id']}/{upload['token']}/{upload['filename']}"
    fields = {
        "key": key,
        "Content-Type": upload["content_type"],
        "success_action_status": "201",
        "policy": _policy_document(upload, key, policy.max_bytes),
        "signature": secret,
    }
    user_id = upload["created_by"] or "api"
    download = f"{base}/go/file/temporary/{user_id}/{upload['token']}/{quote(upload['filename'], safe='')}/"
    return json_response(
        {"upload": {"url": base + STORE_PATH, "fields": fields}, "download": {"url": download}}
    )


# ---- the upload target: S3's POST Object, as far as clients use it ---------------------------


class S3Error(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> Response:
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{escape(self.message)}</Message></Error>"
        )
        return Response(xml, status_code=self.status, media_type="application/xml")


def _too_large(max_bytes: int) -> S3Error:
    return S3Error(
        400, "EntityTooLarge", f"Your proposed upload exceeds the maximum allowed size of {max_bytes} bytes."
    )


async def _read_form(request: Request, max_bytes: int) -> FormData:
    limit = max_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(max_bytes)
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise S3Error(
            412, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data."
        )

    async def counted() -> AsyncGenerator[bytes, None]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise _too_large(max_bytes)
            yield chunk

    parser = MultiPartParser(
        request.headers, counted(), max_files=1, max_fields=32, max_part_size=FORM_OVERHEAD
    )
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise S3Error(
            400, "MalformedPOSTRequest", f"The body of your POST request is not well-formed: {exc.message}"
        ) from exc


def _find(engine: Engine, token: str) -> Row | None:
    # Before any organization is known: the token is what names the upload.
    with engine.connect() as conn:
        found = conn.execute(select(file_upload).where(file_upload.c.token == token)).mappings().first()
    return dict(found) if found is not None else None


def _check_form(form: FormData, now: datetime, engine: Engine) -> tuple[Row, UploadFile]:
    key = form.get("key")
    if not isinstance(key, str) or key.count("/") < 2:
        raise S3Error(400, "InvalidArgument", "Bucket POST must contain a field named 'key'.")
    organization_id, token, _ = key.split("/", 2)
    row = _find(engine, token)
    signature = form.get("signature")
    if (
        row is None
        or row["organization_id"] != organization_id
        or not isinstance(signature, str)
        or not hmac.compare_digest(secret_hash(signature), row["secret_hash"])
    ):
        raise S3Error(
            403, "SignatureDoesNotMatch", "The form's key or signature is not one leadbase handed out."
        )
    if key != f"{organization_id}/{token}/{row['filename']}":
        raise S3Error(
            403, "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]'
        )
    if now >= row["upload_expires"]:
        raise S3Error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    if form.get("Content-Type") != row["content_type"]:
        raise S3Error(
            403,
            "AccessDenied",
            "Invalid according to Policy: Policy Condition failed: "
            f'["eq", "$Content-Type", "{row["content_type"]}"]',
        )
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise S3Error(400, "InvalidArgument", "POST requires exactly one file upload per request.")
    return row, upload


def _record_arrival(engine: Engine, row: Row, size: int, etag: str) -> None:
    actor = Actor(
        organization_id=row["organization_id"], user_id=row["created_by"], api_key_id=None, role_id="user"
    )
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            ctx = Context(conn=conn, actor=actor)
            FileService(ctx, FILE_UPLOAD).arrived(row, size, etag)
            ctx.flush()


@public_router.post(STORE_PATH, include_in_schema=False)
async def store(request: Request) -> Response:
    policy = policy_of(request)
    engine: Engine = request.app.state.engine
    try:
        form = await _read_form(request, policy.max_bytes)
        try:
            row, upload = await to_thread.run_sync(_check_form, form, clock.now(), engine)
            data = await upload.read()
        finally:
            await form.close()
        if len(data) > policy.max_bytes:
            raise _too_large(policy.max_bytes)
    except S3Error as error:
        return error.response()
    etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    await to_thread.run_sync(
        policy.store.put, f"{row['organization_id']}/{row['token']}", data, row["content_type"]
    )
    await to_thread.run_sync(_record_arrival, engine, row, len(data), etag)
    status = form.get("success_action_status")
    if status == "201":
        location = f"{base_url(request, policy)}{STORE_PATH}{quote(str(form.get('key')))}"
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
            f"<Location>{escape(location)}</Location><Bucket>leadbase</Bucket>"
            f"<Key>{escape(str(form.get('key')))}</Key><ETag>&quot;{etag}&quot;</ETag></PostResponse>"
        )
        return Response(xml, status_code=201, media_type="application/xml", headers={"ETag": f'"{etag}"'})
    # S3 answers 204 unless the form asks for 200 or 201.
    return Response(status_code=200 if status == "200" else 204, headers={"ETag": f'"{etag}"'})


# ---- the download URL ------------------------------------------------------------------------

NOT_FOUND = "No file here: the link is wrong, the upload never completed, or the link expired (24 hours)."


def _downloadable(engine: Engine, user_id: str, token: str, filename: str) -> Row | None:
    row = _find(engine, token)
    if row is None or row["date_uploaded"] is None or row["filename"] != filename:
        return None
    if (row["created_by"] or "api") != user_id or clock.now() >= row["download_expires"]:
        return None
    return row


@public_router.api_route(DOWNLOAD_PATH, methods=["GET", "HEAD"], include_in_schema=False)
async def download(request: Request, user_id: str, token: str, filename: str) -> Response:
    policy = policy_of(request)
    row = await to_thread.run_sync(_downloadable, request.app.state.engine, user_id, token, filename)
    data = None
    if row is not None:
        data = await to_thread.run_sync(policy.store.get, f"{row['organization_id']}/{row['token']}")
    if row is None or data is None:
        return json_response({"error": NOT_FOUND}, status_code=404)
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['filename'], safe='')}",
        "ETag": f'"{row["etag"]}"',
        "Cache-Control": "private, max-age=0",
        "Last-Modified": format_datetime(row["date_uploaded"], usegmt=True),
    }
    return Response(data, media_type=row["content_type"], headers=headers)
