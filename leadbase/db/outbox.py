"""The captured outbox's writes: what leadbase sent, or tried to send (`outbox_message`).

Sending records a row when a message leaves (the captured transport: `sent` at once) or is
about to leave over SMTP (`sending`, then `sent` or `error` once the server answered). The
row is a record, not a Close object: it has no events and outlives its activity.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, update

from leadbase.core import clock
from leadbase.core.ids import SHORT, new_id
from leadbase.db.models import outbox_message

SENDING = "sending"
SENT = "sent"
ERROR = "error"


def parties(values: Iterable[str | None]) -> str:
    """Addresses and numbers as the `parties` column keeps them: ` a@x.test +1415... `."""
    seen = [v.strip().lower() for v in values if isinstance(v, str) and v.strip()]
    return " " + " ".join(dict.fromkeys(seen)) + " "


def record(conn: Connection, organization_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Insert one message (its `status` given by the caller); the row as stored."""
    row = {
        "id": new_id("outmsg", SHORT),
        "organization_id": organization_id,
        "date_created": clock.now(),
        "attachments": [],
        "headers": {},
        **values,
    }
    conn.execute(insert(outbox_message).values(**row))
    return row


def finish(
    conn: Connection, organization_id: str, message_id: str, *, error: str | None, when: datetime
) -> None:
    """A message the SMTP server took (`error` None) or refused."""
    values: dict[str, Any] = (
        {"status": ERROR, "error": error} if error else {"status": SENT, "date_sent": when}
    )
    conn.execute(
        update(outbox_message)
        .where(outbox_message.c.organization_id == organization_id, outbox_message.c.id == message_id)
        .values(**values)
    )


def clear(conn: Connection, organization_id: str, where: ColumnElement[bool] | None = None) -> int:
    """Forget captured messages of an organization (those matching `where`); how many."""
    stmt = delete(outbox_message).where(outbox_message.c.organization_id == organization_id)
    if where is not None:
        stmt = stmt.where(where)
    return int(conn.execute(stmt).rowcount)
