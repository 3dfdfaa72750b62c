"""leadbase with 300 more routes registered, as the rest of Close's API will add.

The API-overhead scenario serves it beside the plain server: with flat dispatch, a lead GET
costs the same whatever else is registered. Settings come from LEADBASE_* variables, as for
`leadbase.asgi:app`:

    LEADBASE_DATABASE_URL=... uvicorn bench.padded:app --port 8200
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.middleware import API_PREFIX
from leadbase.app import create_app, index_routes

EXTRA_ROUTES = 300
SEGMENTS = 60


def _padding(request: Request) -> Response:
    return Response(b"{}", media_type="application/json")


app = create_app()
for n in range(EXTRA_ROUTES):
    # Spread like Close's remaining operations: a few verbs and shapes under each segment.
    segment = f"padding_{n % SEGMENTS}"
    shape = ("/", "/{id}/", "/{id}/extra/", "/sub/", "/sub/{id}/")[n // SEGMENTS % 5]
    app.router.add_api_route(
        f"{API_PREFIX}/{segment}{shape}", _padding, methods=["GET"], include_in_schema=False
    )
index_routes(app)
