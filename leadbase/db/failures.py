"""What a database error means for the client: retry later, or change the request.

Close's clients retry a 503 (some forever), so only failures that a retry can get past
(lock waits, lost connections, a server restarting) may become one. A statement that is too
big for the database, or a value out of a column's range, fails the same way every time.
"""

from __future__ import annotations

import sqlite3
from enum import Enum

from sqlalchemy.exc import DBAPIError, OperationalError


class Failure(Enum):
    BUSY = "busy"  # a retry can succeed: locks, connections, resources
    TIMEOUT = "timeout"  # the statement ran past its time budget
    TOO_COMPLEX = "too_complex"  # over a limit of the database: terms, variables, depth
    BAD_VALUE = "bad_value"  # a value the column cannot hold


# PostgreSQL SQLSTATE classes and codes (Appendix A of its manual).
_PG_BY_CLASS = {"08": Failure.BUSY, "22": Failure.BAD_VALUE, "53": Failure.BUSY, "54": Failure.TOO_COMPLEX}
_PG_BY_CODE = {
    "57014": Failure.TIMEOUT,  # query_canceled: statement_timeout, or a cancel when the client left
    "55P03": Failure.BUSY,  # lock_not_available: lock_timeout
    "40001": Failure.BUSY,  # serialization_failure
    "40P01": Failure.BUSY,  # deadlock_detected
    "57P01": Failure.BUSY,  # admin_shutdown
    "57P02": Failure.BUSY,  # crash_shutdown
    "57P03": Failure.BUSY,  # cannot_connect_now
}
_SQLITE_BUSY = frozenset(
    {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_PROTOCOL"}
)
# SQLITE_ERROR covers both our bugs and the limits below; only the limits are the client's doing.
_SQLITE_LIMITS = (
    "too many sql variables",
    "expression tree is too large",
    "too many terms in compound select",
    "too many columns",
    "parser stack overflow",
    "string or blob too big",
    "at most 64 tables in a join",
    "too many arguments on function",
)
# psycopg refuses these before the server sees them: no SQLSTATE.
_CLIENT_LIMITS = ("number of parameters must be between", "query too large")


def classify(exc: DBAPIError) -> Failure | None:
    """The failure's kind, or None for an error that is leadbase's own (a 500)."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str) and len(sqlstate) == 5:
        return _PG_BY_CODE.get(sqlstate) or _PG_BY_CLASS.get(sqlstate[:2])
    message = str(orig).lower()
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "")
        if name == "SQLITE_INTERRUPT":
            return Failure.TIMEOUT
        if name in _SQLITE_BUSY or "database is locked" in message:
            return Failure.BUSY
        if name in ("SQLITE_TOOBIG", "SQLITE_RANGE") or any(text in message for text in _SQLITE_LIMITS):
            return Failure.TOO_COMPLEX
        if name == "SQLITE_MISMATCH" or "integer overflow" in message:
            return Failure.BAD_VALUE
        return None
    if any(text in message for text in _CLIENT_LIMITS):
        return Failure.TOO_COMPLEX
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        # A PostgreSQL error without SQLSTATE: the connection broke before or during the query.
        return Failure.BUSY
    return None
