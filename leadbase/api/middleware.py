"""The ASGI layer in front of the routes: what every Close request goes through.

Path normalization, `x-http-method-override`, body limits and JSON parsing, API-key
authentication and rate limiting happen here, once, before routing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadbase.api.auth import KeyResolver, key_from_header
from leadbase.api.ratelimit import Quota, RateLimiter
from leadbase.api.responses import error_response
from leadbase.core.errors import (
    BadRequest,
    Invalid,
    LeadbaseError,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from leadbase.core.ids import SHORT, new_id

API_PREFIX = "/api/v1"
PUBLIC_PATHS = frozenset({API_PREFIX + "/openapi.json", API_PREFIX + "/docs"})
_SLASHES = re.compile(r"/{2,}")


def normalize_path(path: str) -> str:
    """Collapse doubled slashes and make the trailing slash present (never redirect)."""
    path = _SLASHES.sub("/", path)
    if path in PUBLIC_PATHS or path.rstrip("/") in PUBLIC_PATHS:
        return path.rstrip("/")
    if not path.endswith("/"):
        path += "/"
    return path


def _nul_in(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


def _carries_nul(scope: Scope, body: bytes, payload: Any) -> bool:
    """NUL characters in the path, query or JSON strings: PostgreSQL can neither store nor compare them."""
    query = scope.get("query_string", b"")
    if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
        return True
    return b"\\u0000" in body and _nul_in(payload)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class CloseConventions:
    def __init__(
        self,
        app: ASGIApp,
        *,
        resolver: KeyResolver,
        limiter: RateLimiter | None,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.resolver = resolver
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = normalize_path(scope["path"])
        scope = {**scope, "path": path, "raw_path": path.encode()}
        if not path.startswith(API_PREFIX + "/") or path in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        quota: Quota | None = None
        try:
            body = await self._read_body(receive, headers)
            scope, body = self._apply_method_override(scope, headers, body)
            payload = self._parse_body(scope["method"], headers, body)
            if _carries_nul(scope, body, payload):
                raise BadRequest(
                    "The request contains a null character (\\u0000), which cannot be stored; remove it."
                )
            actor = await self._authenticate(headers)
            if self.limiter is not None and actor.api_key_id is not None:
                quota = self.limiter.hit(actor.api_key_id, actor.organization_id)
        except LeadbaseError as exc:
            await self._send_error(exc, scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state.update(
            actor=actor, json=payload, request_id=new_id("req", SHORT), tz_header=headers.get("x-tz-offset")
        )

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start" and quota is not None:
                message = {**message, "headers": [*message.get("headers", []), *quota.headers()]}
            await send(message)

        await self.app(scope, _replay(receive), send_with_quota)

    async def _read_body(self, receive: Receive, headers: dict[str, str]) -> bytes:
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise PayloadTooLarge(f"The request body is larger than {self.max_body_bytes} bytes.")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise PayloadTooLarge(f"The request body is larger than {self.max_body_bytes} bytes.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _apply_method_override(
        self, scope: Scope, headers: dict[str, str], body: bytes
    ) -> tuple[Scope, bytes]:
        override = headers.get("x-http-method-override", "").strip().upper()
        if scope["method"] != "POST" or not override or override == "POST":
            return scope, body
        if override != "GET":
            return {**scope, "method": override}, body
        params: dict[str, Any] = {}
        if body.strip():
            try:
                decoded = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise BadRequest("The request body is not valid JSON.") from exc
            raw = decoded.get("_params", {}) if isinstance(decoded, dict) else None
            if not isinstance(raw, dict):
                raise Invalid({"_params": "Expected an object of query parameters."})
            params = raw
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        for key, value in params.items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, list):
                value = ",".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = orjson.dumps(value).decode()
            query[str(key)] = str(value)
        return {**scope, "method": "GET", "query_string": urlencode(query).encode()}, b""

    def _parse_body(self, method: str, headers: dict[str, str], body: bytes) -> Any:
        if method not in ("POST", "PUT", "PATCH", "DELETE") or not body.strip():
            return None
        content_type = headers.get("content-type")
        if content_type and not _is_json(content_type):
            raise UnsupportedMediaType(
                f"Unsupported media type {content_type.split(';')[0]!r}: send JSON with "
                "Content-Type: application/json."
            )
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadRequest(f"The request body is not valid JSON: {exc.msg}.") from exc

    async def _authenticate(self, headers: dict[str, str]) -> Any:
        secret = key_from_header(headers.get("authorization"))
        hit, actor = self.resolver.cached(secret)
        if hit:
            if actor is None:
                raise Unauthorized()
            return actor
        return await to_thread.run_sync(self.resolver.resolve, secret)

    async def _send_error(self, exc: LeadbaseError, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(exc)
        await response(scope, receive, send)


def _replay(original: Receive) -> Receive:
    """The body was consumed here (it is in scope state); the app sees it as empty."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await original()

    return receive
