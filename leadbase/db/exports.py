"""The export worker's writes: progress, the finished file, failure, expiry.

The request that asks for an export inserts its row through the export service (with its
event); what the job learns while it writes the file is recorded here, each in a short
transaction of its own, so `GET /export/{id}/` shows the progress of a running export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from leadbase.core import clock
from leadbase.db.models import export

Row = dict[str, Any]

CREATED = "created"
STARTED = "started"
IN_PROGRESS = "in_progress"
DONE = "done"
ERROR = "error"


def find(conn: Connection, export_id: str) -> Row | None:
    """An export by id, whatever its organization: the job and the signed download link name it."""
    row = conn.execute(select(export).where(export.c.id == export_id)).mappings().first()
    return dict(row) if row is not None else None


def _set(conn: Connection, export_id: str, **values: Any) -> None:
    conn.execute(update(export).where(export.c.id == export_id).values(date_updated=clock.now(), **values))


def start(conn: Connection, export_id: str, n_docs: int) -> None:
    """The selection is known: `n_docs` rows will be written (an attempt after a crash starts over)."""
    _set(conn, export_id, status=STARTED, n_docs=n_docs, n_docs_processed=0, error=None)


def progress(conn: Connection, export_id: str, processed: int) -> None:
    _set(conn, export_id, status=IN_PROGRESS, n_docs_processed=processed)


def finished(*, processed: int, file_name: str, size: int, expires_at: datetime) -> Row:
    """The column values of a finished export (written by its service, which records the events)."""
    return {
        "status": DONE,
        "n_docs_processed": processed,
        "file_name": file_name,
        "file_size": size,
        "date_done": clock.now(),
        "expires_at": expires_at,
    }


def fail(conn: Connection, export_id: str, error: str) -> None:
    _set(conn, export_id, status=ERROR, error=error[:4000])


def expire(conn: Connection, export_id: str) -> None:
    """The file is gone (its lifetime passed): no more download links."""
    _set(conn, export_id, file_name=None)
