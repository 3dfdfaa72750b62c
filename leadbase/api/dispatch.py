"""Flat dispatch: a request finds its endpoint by its first path segment, not by trying every route.

FastAPI matches routes one by one (and, since 0.165, through a context object per included
router), so every endpoint added made every request slower: ~0.3 ms of a lead GET went to
matching ~100 routes. Close's API is a tree whose first segment after /api/v1/ (`lead`,
`custom_field`, `event`, ...) narrows the candidates to a handful, so the routes are indexed by
it once at start and a request tries only those.

Endpoints whose only parameter is the Starlette `Request` (all of leadbase's generic routes and
most hand-written ones) are called directly: FastAPI's dependency solver has nothing to do for
them. Any other endpoint keeps FastAPI's handling through an `APIRoute` of its own. FastAPI still
owns the routes for the OpenAPI description, exception handlers and everything the index does
not match (lifespan, 404s).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from re import Pattern
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Scope, Receive, Send], Awaitable[None]]
_READS = frozenset({"GET", "HEAD"})


@dataclass
class _Path:
    """One path template and its handlers by method."""

    regex: Pattern[str]
    convertors: dict[str, Any]
    handlers: dict[str, Handler] = field(default_factory=dict)


def _takes_only_the_request(endpoint: Callable[..., Any]) -> bool:
    parameters = list(inspect.signature(endpoint).parameters.values())
    if len(parameters) != 1:
        return False
    annotation = parameters[0].annotation
    return annotation is Request or annotation == "Request"


def _plain_handler(endpoint: Callable[..., Any], inline_reads: bool) -> Handler:
    """Call an endpoint taking only the request: in the thread pool if it is synchronous.

    With `inline_reads`, a synchronous GET runs on the event loop itself: on SQLite a read
    never waits for a lock (WAL) or a network, so handing it to a thread and back costs more
    than the read (~0.1 ms of a ~0.5 ms lead GET). Writes, which may wait for the write lock,
    and every request on a networked database keep the thread pool.
    """
    asynchronous = inspect.iscoroutinefunction(endpoint)

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        if asynchronous:
            response: Response = await endpoint(request)
        elif inline_reads and scope["method"] in _READS:
            response = endpoint(request)
        else:
            response = await run_in_threadpool(endpoint, request)
        await response(scope, receive, send)

    return handle


def _fastapi_handler(path: str, endpoint: Callable[..., Any], methods: set[str]) -> Handler:
    """An endpoint with injected parameters: FastAPI solves them, through a route of its own."""
    route = APIRoute(path, endpoint, methods=sorted(methods), include_in_schema=False)

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = route
        await route.app(scope, receive, send)

    return handle


class SegmentIndex:
    """Endpoints under `prefix`, indexed by the path segment that follows it."""

    def __init__(self, prefix: str, routes: Iterable[BaseRoute], *, inline_reads: bool = False) -> None:
        self.prefix = prefix
        self._by_segment: dict[str, list[_Path]] = {}
        # Templates whose first segment is itself a parameter: tried after the segment's own.
        self._wildcards: list[_Path] = []
        paths: dict[str, _Path] = {}
        for context in iter_route_contexts(list(routes)):
            template, endpoint, methods = context.path, context.endpoint, context.methods
            if not template or endpoint is None or not methods or not template.startswith(prefix + "/"):
                continue
            entry = paths.get(template)
            if entry is None:
                regex, _, convertors = compile_path(template)
                entry = paths[template] = _Path(regex, convertors)
                segment = template[len(prefix) + 1 :].split("/", 1)[0]
                if "{" in segment:
                    self._wildcards.append(entry)
                else:
                    self._by_segment.setdefault(segment, []).append(entry)
            if _takes_only_the_request(endpoint):
                # Only reads of one object (a template ending in its id) are inlined: their work
                # is bounded, while a list or a search may scan, and on the event loop a scan
                # would hold up every other request of the worker (SQLite releases the GIL
                # while it works, so in a thread the others go on).
                one_object = template.rstrip("/").endswith("}")
                handler = _plain_handler(endpoint, inline_reads and one_object)
            else:
                handler = _fastapi_handler(template, endpoint, set(methods))
            for method in methods:
                # The first registration wins, as in FastAPI's own ordered matching.
                entry.handlers.setdefault(method, handler)
        for entry in paths.values():
            if "GET" in entry.handlers:
                entry.handlers.setdefault("HEAD", entry.handlers["GET"])

    def candidates(self, path: str) -> list[_Path]:
        segment = path[len(self.prefix) + 1 :].split("/", 1)[0]
        return self._by_segment.get(segment, []) + self._wildcards

    def find(self, path: str, method: str) -> tuple[Handler | None, dict[str, Any], set[str]]:
        """The handler and path parameters for a request, or the methods the path allows."""
        allowed: set[str] = set()
        for entry in self.candidates(path):
            match = entry.regex.match(path)
            if match is None:
                continue
            handler = entry.handlers.get(method)
            if handler is None:
                allowed.update(entry.handlers)
                continue
            params = {
                name: entry.convertors[name].convert(value) for name, value in match.groupdict().items()
            }
            return handler, params, allowed
        return None, {}, allowed


class Dispatcher:
    """The innermost ASGI app of the router: the index first, FastAPI's own routing for the rest."""

    def __init__(self, index: SegmentIndex, fallback: ASGIApp) -> None:
        self.index = index
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.index.prefix + "/"):
            await self.fallback(scope, receive, send)
            return
        handler, params, allowed = self.index.find(path, scope["method"])
        if handler is None:
            if allowed:
                raise HTTPException(status_code=405, headers={"Allow": ", ".join(sorted(allowed))})
            await self.fallback(scope, receive, send)
            return
        scope["path_params"] = params
        await handler(scope, receive, send)
