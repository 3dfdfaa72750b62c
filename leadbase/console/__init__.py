"""The web console: server-rendered pages over the API, mounted at /console/ by create_app.

See docs/architecture.md, "The console". Every page reads and writes through the API in process
(client.py) with the signed-in key, so tenancy, validation and events are the API's own.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from leadbase.console.pages import HERE, Console
from leadbase.console.views import (
    auth,
    deals,
    deleting,
    happenings,
    leads,
    model,
    objects,
    organizations,
    work,
)


def build_console(api_app: ASGIApp, secret: Callable[[], str]) -> Starlette:
    """The console's application; `secret` gives the cookie-signing key (asked for on first use)."""
    console = Console(api_app, secret)
    for area in (auth, organizations, leads, objects, deals, deleting, model, happenings, work):
        area.register(console)
    return Starlette(routes=[*console.routes, Route("/static/{name}/", static_file)])


STATIC = {path.name: path for path in (HERE / "static").iterdir() if path.is_file()}
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}


async def static_file(request: Request) -> Response:
    """The console's few static files (the API's path normalization gives every path a
    trailing slash, which StaticFiles would not find)."""
    path = STATIC.get(request.path_params["name"])
    if path is None:
        return PlainTextResponse("Not found", status_code=404)
    media = MEDIA_TYPES.get(path.suffix, "text/plain; charset=utf-8")
    return FileResponse(path, media_type=media, headers={"cache-control": "public, max-age=3600"})
