"""Every error handler of the application, in one place, and what each answers.

Client mistakes are 400s in Close's shapes; 503 (with Retry-After) only where a retry can
succeed; a 500 says `Connection: close` because the server drops that connection.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.logs import redact
from leadbase.api.responses import JSONResponse, error_response
from leadbase.core.errors import LeadbaseError
from leadbase.db.failures import Failure, classify

log = logging.getLogger("leadbase")

NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again."
)
CONFLICT = "The request conflicts with data written at the same time; nothing changed. Retry it."
BUSY = "The database is busy or unavailable; nothing was changed. Retry the request."
TOO_COMPLEX = (
    "The request is too large for the database to answer (too many terms or values); nothing was "
    "changed. Narrow it: fewer filter terms, ids or values per request."
)
BAD_VALUE = "A value in the request is out of range for the database; nothing was changed."
INTERNAL = "Internal server error: the request was rolled back."


def timeout_message(seconds: float) -> str:
    return (
        f"The request needed more than {seconds:g} seconds of database work and was stopped; nothing was "
        "changed. Narrow it (fewer terms, a smaller page) rather than retrying it as is."
    )


def database_error_response(
    exc: DBAPIError, *, timeout_seconds: float, where: str, abandoned: bool = False
) -> Response:
    """Close's answer to a failed statement: 503 if a retry can succeed, 400 if it cannot, else 500.
    `abandoned`: the client went away and its statement was stopped for that, not for time."""
    failure = classify(exc)
    if failure is Failure.BUSY:
        log.warning("database unavailable on %s: %s", where, exc.orig)
        return JSONResponse({"error": BUSY}, status_code=503, headers={"Retry-After": "1"})
    if failure is Failure.TIMEOUT:
        if abandoned:
            log.info("the client of %s went away: its statement was stopped", where)
        else:
            log.warning("statement stopped after %gs on %s", timeout_seconds, where)
        return JSONResponse({"error": timeout_message(timeout_seconds)}, status_code=400)
    if failure is Failure.TOO_COMPLEX:
        log.info("statement over a database limit on %s: %s", where, exc.orig)
        return JSONResponse({"error": TOO_COMPLEX}, status_code=400)
    if failure is Failure.BAD_VALUE:
        log.info("value out of range on %s: %s", where, exc.orig)
        return JSONResponse({"error": BAD_VALUE}, status_code=400)
    log.error("database error on %s", where, exc_info=exc)
    return internal_error_response()


def internal_error_response() -> Response:
    # uvicorn closes the connection after an unhandled error; saying so lets the client
    # open a new one for its next request instead of failing on the dead one.
    return JSONResponse({"error": INTERNAL}, status_code=500, headers={"Connection": "close"})


def install_error_handlers(app: FastAPI, *, timeout_seconds: float) -> None:
    @app.exception_handler(LeadbaseError)
    def _leadbase_error(_request: Request, exc: LeadbaseError) -> Response:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return JSONResponse({"error": NOT_FOUND}, status_code=404)
        if exc.status_code == 405:
            return JSONResponse(
                {"error": "The method is not allowed for the requested URL."},
                status_code=405,
                headers=exc.headers,
            )
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(IntegrityError)
    def _integrity_error(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error on %s %s: %s", request.method, redact(request.url.path), exc.orig)
        return JSONResponse({"error": CONFLICT}, status_code=409)

    @app.exception_handler(DBAPIError)
    def _database_error(request: Request, exc: DBAPIError) -> Response:
        where = f"{request.method} {redact(request.url.path)}"
        cancellation = getattr(request.state, "cancellation", None)
        abandoned = bool(getattr(cancellation, "cancelled", False))
        return database_error_response(exc, timeout_seconds=timeout_seconds, where=where, abandoned=abandoned)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, redact(request.url.path))
        return internal_error_response()
