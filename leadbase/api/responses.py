"""JSON responses and Close's error bodies."""

from __future__ import annotations

import math
from typing import Any

import orjson
from starlette.responses import Response

from leadbase.api.ratelimit import Quota
from leadbase.core.errors import Invalid, LeadbaseError, RateLimited, RequestTimeout


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    if status_code == 204:
        return Response(status_code=204, headers=headers)
    return JSONResponse(data, status_code=status_code, headers=headers)


def error_body(exc: LeadbaseError) -> dict[str, Any]:
    if isinstance(exc, Invalid):
        # Close's clients read `errors` and `field-errors`; some older ones read `error`.
        return {**exc.body(), "error": exc.message}
    if isinstance(exc, RateLimited):
        details = {
            "message": exc.message,
            "rate_reset": exc.reset,
            "rate_limit": exc.limit,
            "rate_window": exc.window,
            "rate_limit_type": exc.limit_type,
        }
        # Clients disagree on where rate_reset lives, so it is in both places.
        return {"error": details, "rate_reset": exc.reset, "message": exc.message}
    return {"error": exc.message}


def error_response(exc: LeadbaseError) -> Response:
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited):
        # Close sends RateLimit on a 429 too; the official client sleeps for its reset.
        quota = Quota(exc.limit, 0, max(1, math.ceil(exc.reset)))
        headers.update((k.decode(), v.decode()) for k, v in quota.headers())
        headers["Retry-After"] = str(quota.reset)
    if isinstance(exc, RequestTimeout):
        headers["Connection"] = "close"
    return JSONResponse(error_body(exc), status_code=exc.status_code, headers=headers)
