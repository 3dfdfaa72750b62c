"""The ASGI layer in front of the routes: what every Close request goes through.

Path normalization, `x-http-method-override`, body limits and JSON parsing, API-key
authentication and rate limiting happen here, once, before routing.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from anyio import to_thread
from sqlalchemy.exc import DBAPIError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadbase.api.auth import DUPLICATE_CREDENTIALS, KeyResolver, key_from_header
from leadbase.api.errors import database_error_response
from leadbase.api.journal import BODY_LIMIT, Entry, Journal, clip
from leadbase.api.logs import redact
from leadbase.api.ratelimit import Quota, RateLimiter
from leadbase.api.responses import error_response
from leadbase.core import clock
from leadbase.core.errors import (
    BadRequest,
    Invalid,
    LeadbaseError,
    PayloadTooLarge,
    RequestTimeout,
    Unauthorized,
    UnsupportedMediaType,
)
from leadbase.core.ids import SHORT, new_id
from leadbase.db.engine import Cancellation

API_PREFIX = "/api/v1"
# leadbase's own endpoints beside Close's (the webhook delivery log): same keys, same conventions.
EXTRA_PREFIX = "/api/leadbase"
AUTHENTICATED = (API_PREFIX + "/", EXTRA_PREFIX + "/")
# The admin API has a credential of its own (api/admin_auth.py), never an organization's key.
ADMIN_PREFIX = EXTRA_PREFIX + "/admin"
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


NUL_MESSAGE = "The request contains a null character (\\u0000), which cannot be stored; remove it."
# Deeper than any Close body or `_params` (a lead with contacts with emails is 4 levels);
# orjson itself refuses to write past 254 levels, and deep values make every walk costly.
MAX_JSON_DEPTH = 64
# Items in any one JSON array (contacts of a lead, emails of a contact, values of a multi-value
# field, choices...) and keys in any one object. Work per request grows with these, and a write
# holds SQLite's one write lock while it runs: 300,000 nested contacts held it for 78 s.
MAX_ARRAY_ITEMS = 1_000
MAX_OBJECT_KEYS = 1_000


def _inspect_json(value: Any) -> tuple[int, bool]:
    """(depth, whether a string holds NUL) of a decoded JSON value, walked without recursion;
    BadRequest for an array or object over its size limit.

    The walk stops as soon as it passes MAX_JSON_DEPTH, so its cost is bounded by the body's size.
    """
    deepest, has_nul = 0, False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            has_nul = has_nul or "\x00" in item
            continue
        if not isinstance(item, (dict, list)):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest, has_nul
        if isinstance(item, list) and len(item) > MAX_ARRAY_ITEMS:
            raise BadRequest(f"A JSON array in the request has more than {MAX_ARRAY_ITEMS} items; split it.")
        if isinstance(item, dict) and len(item) > MAX_OBJECT_KEYS:
            raise BadRequest(f"A JSON object in the request has more than {MAX_OBJECT_KEYS} keys; split it.")
        if isinstance(item, dict):
            for key, child in item.items():
                has_nul = has_nul or "\x00" in key
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)
    return deepest, has_nul


def _check_json(payload: Any, body: bytes) -> None:
    """Refuse JSON nested too deep, too wide or carrying NUL; most bodies are cleared by byte counts."""
    shallow = body.count(b"{") + body.count(b"[") <= MAX_JSON_DEPTH
    narrow = body.count(b",") < min(MAX_ARRAY_ITEMS, MAX_OBJECT_KEYS)
    if shallow and narrow and b"\\u0000" not in body:
        return
    depth, has_nul = _inspect_json(payload)
    if depth > MAX_JSON_DEPTH:
        raise BadRequest(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep; flatten it.")
    if has_nul:
        raise BadRequest(NUL_MESSAGE)


def _url_carries_nul(scope: Scope) -> bool:
    """NUL characters in the path or query: PostgreSQL can neither store nor compare them."""
    query = scope.get("query_string", b"")
    return "\x00" in scope["path"] or b"%00" in query or b"\x00" in query


def _is_admin(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


class _Recorder:
    """Passes a response on while keeping what the journal shows of it.

    The entry is written before the response's last chunk goes out, so a client that reads the
    journal right after an answer finds that answer there.
    """

    def __init__(self, send: Send, journal: Journal, organization_id: str, scope: Scope, body: bytes) -> None:
        self._send = send
        self.journal = journal
        self.organization_id = organization_id
        self.scope = scope
        self.body = body
        self.status = 0
        self.chunks: list[bytes] = []
        self.size = 0
        self.started = time.perf_counter()
        self.moment = clock.now()
        self.recorded = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            if self.size <= BODY_LIMIT:
                chunk = message.get("body", b"")
                self.chunks.append(chunk)
                self.size += len(chunk)
            if not message.get("more_body", False):
                self.record()
        await self._send(message)

    def record(self) -> None:
        if self.recorded:
            return
        self.recorded = True
        state = self.scope.get("state", {})
        entry = Entry(
            method=self.scope["method"],
            path=self.scope["path"],
            query=self.scope.get("query_string", b"").decode("latin-1"),
            request_body=clip(self.body),
            # A client that left before the answer is shown as 499, as nginx logs it.
            status=self.status or 499,
            response_body=clip(b"".join(self.chunks)),
            time=clock.iso(self.moment) or "",
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
            request_id=state.get("request_id"),
        )
        self.journal.record(self.organization_id, entry)


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
        statement_timeout: float = 0,
        body_read_timeout: float = 30,
        journal: Journal | None = None,
    ) -> None:
        self.app = app
        self.journal = journal
        self.resolver = resolver
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.statement_timeout = statement_timeout
        self.body_read_timeout = body_read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = normalize_path(scope["path"])
        scope = {**scope, "path": path, "raw_path": path.encode()}
        if not path.startswith(AUTHENTICATED) or path in PUBLIC_PATHS or _is_admin(path):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        quota: Quota | None = None
        try:
            if sum(1 for k, _ in scope["headers"] if k.lower() == b"authorization") > 1:
                # Proxies and clients disagree on which of two wins: refuse both.
                raise Unauthorized(DUPLICATE_CREDENTIALS)
            body = await self._read_body(receive, headers)
            scope, body = self._apply_method_override(scope, headers, body)
            payload = self._parse_body(scope["method"], headers, body)
            _check_json(payload, body)
            if _url_carries_nul(scope):
                raise BadRequest(NUL_MESSAGE)
            actor = await self._authenticate(headers)
            if self.limiter is not None and actor.api_key_id is not None:
                quota = self.limiter.hit(actor.api_key_id, actor.organization_id)
        except LeadbaseError as exc:
            await self._send_error(exc, scope, receive, send)
            return
        except DBAPIError as exc:
            where = f"{scope['method']} {redact(path)}"
            response = database_error_response(exc, timeout_seconds=self.statement_timeout, where=where)
            await response(scope, receive, send)
            return
        cancellation = Cancellation()
        state = scope.setdefault("state", {})
        state.update(
            actor=actor,
            json=payload,
            request_id=new_id("req", SHORT),
            tz_header=headers.get("x-tz-offset"),
            cancellation=cancellation,
        )

        async def send_with_quota(message: Message) -> None:
            if message["type"] == "http.response.start" and quota is not None:
                message = {**message, "headers": [*message.get("headers", []), *quota.headers()]}
            await send(message)

        if self.journal is None:
            await _run_watching_the_client(self.app, scope, receive, send_with_quota, cancellation)
            return
        recorder = _Recorder(send_with_quota, self.journal, actor.organization_id, scope, body)
        try:
            await _run_watching_the_client(self.app, scope, receive, recorder.send, cancellation)
        finally:
            recorder.record()

    async def _read_body(self, receive: Receive, headers: dict[str, str]) -> bytes:
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise PayloadTooLarge(f"The request body is larger than {self.max_body_bytes} bytes.")
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                async with asyncio.timeout(self.body_read_timeout):
                    message = await receive()
            except TimeoutError as exc:
                # A half-sent request would hold its connection (and this task) forever.
                raise RequestTimeout(
                    f"The request body did not arrive within {self.body_read_timeout:g} seconds."
                ) from exc
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
            _check_json(decoded, body)
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
            elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
                # Objects in a list (a search's `sort`) travel as JSON, not as their repr.
                value = orjson.dumps(value).decode()
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


async def _run_watching_the_client(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, cancellation: Cancellation
) -> None:
    """Run the app; if the client leaves meanwhile, cancel the statement its request is running.

    The body was consumed by the middleware (it is in scope state), so the app is handed an empty
    one. Plain asyncio (uvicorn's loop): a task and an event cost ~20 us a request, where an anyio
    task group measured ~0.5 ms on this machine.
    """
    disconnected = asyncio.Event()

    async def watch() -> None:
        # The body is read, so the next message is the client leaving (or the response done, by
        # which time the request holds no connection and the cancel is a no-op).
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()
        await to_thread.run_sync(cancellation.cancel)

    body_sent = False

    async def replay() -> Message:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await disconnected.wait()
        return {"type": "http.disconnect"}

    watcher = asyncio.ensure_future(watch())
    try:
        await app(scope, replay, send)
    finally:
        watcher.cancel()
