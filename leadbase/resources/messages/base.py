"""What every message kind adds to the activity base: how it is sent.

Each message kind (Email, EmailThread, SMS, WhatsAppMessage) is a row of the `activity` table
with its `type`. Fields its lists filter on are real columns (status, direction, the scheduled and
sent dates, an email's thread, a lookup key); every other declared field lives in the row's
`payload` document, moved there and back by `ActivityBase` (resources/activities.py).

Sending: a message that goes to `outbox` or `scheduled` gets its due moment in its payload
(`send_at`: now plus `send_in`, or `date_scheduled`) and a `message.send` job at that moment
(sending.py). The job sends only if the message is still waiting with the same `send_at`, so
going back to draft, or deleting the message, cancels it without touching the queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import select

from leadbase.core import clock
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.db import jobs
from leadbase.db import outbox as ledger
from leadbase.db.models import outbox_message
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityBase

# The job that sends a message at its time (its handler is in sending.py).
SEND_JOB = "message.send"
# The statuses of a message waiting to go out.
WAITING = frozenset({"outbox", "scheduled"})


class MessageService(ActivityBase):
    """The rules every message kind shares; subclasses add their own."""

    # Whether the kind is ever sent (emails and SMS; WhatsApp messages are only synced in).
    SENDS: ClassVar[bool] = False
    # The statuses a message leaves when it goes out (a draft is sent through outbox first).
    SENDABLE: ClassVar[frozenset[str]] = frozenset({"outbox", "sending", "scheduled"})

    # ---- planning a send (validation) ----------------------------------------------------

    def plan_send(
        self, values: Row, status: Any, *, changing_from: Any = None, row: Row | None = None
    ) -> None:
        """Set `send_at` in `values` when the message starts waiting to go out, clear it when it
        goes back to draft. Going back to draft is refused while the message is on the wire."""
        if not self.SENDS or status == changing_from:
            return
        if status in WAITING:
            if status == "scheduled":
                moment = values.get("date_scheduled") or (row or {}).get("date_scheduled")
            else:
                moment = clock.now() + timedelta(seconds=values.get("send_in") or 0)
            values["send_at"] = clock.iso(moment) if isinstance(moment, datetime) else None
        elif changing_from in WAITING:
            if row is not None and self.being_sent(row["id"]):
                errors = FieldErrors()
                errors.add(
                    "status", f"This {self.spec.model_name} is being sent and can no longer be canceled."
                )
                errors.raise_if_any()
            values["send_at"] = None

    def being_sent(self, activity_id: str) -> bool:
        """Whether an SMTP server is being handed the message right now."""
        table = outbox_message
        found = self.ctx.conn.execute(
            select(table.c.id)
            .where(
                table.c.organization_id == self.ctx.organization_id,
                table.c.activity_id == activity_id,
                table.c.status == ledger.SENDING,
            )
            .limit(1)
        ).first()
        return found is not None

    # ---- queueing (after the write) ------------------------------------------------------

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        self._queue_if_planned(None, row)

    def after_update(self, before: Row, after: Row) -> None:
        self._queue_if_planned(before, after)

    def _queue_if_planned(self, before: Row | None, after: Row) -> None:
        due = (after.get("payload") or {}).get("send_at")
        earlier = (before.get("payload") or {}).get("send_at") if before is not None else None
        if not self.SENDS or not due or due == earlier or after.get("status") not in WAITING:
            return
        jobs.enqueue(
            self.ctx,
            SEND_JOB,
            {"path": self.spec.path, "activity_id": after["id"], "send_at": due},
            run_at=datetime.fromisoformat(due),
        )

    # ---- outcomes (called by the sending job, in its own unit of work) -------------------

    def mark_sent(self, row: Row, when: datetime | None = None, extra: Row | None = None) -> Row:
        """A message left: status `sent`, `date_sent` and `activity_at` at `when` (now), what
        the sender learnt (`extra`: an email's Message-ID), and Close's `sent` event after its
        `updated`. A message that is not waiting to go out is refused."""
        if not self.SENDS or row["status"] not in self.SENDABLE:
            raise Invalid({"status": f"A {self.spec.model_name} with status {row['status']} is not sent."})
        moment = when or clock.now()
        values = {
            "status": "sent",
            "date_sent": moment,
            "activity_at": moment,
            "send_at": None,
            **(extra or {}),
        }
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            new_row = self.change(row, self.split(values, row))
            self.unit.announce(self.spec, new_row, "sent", first=False)
        return new_row

    def record_attempt(self, row: Row, error_class: str, message: str, *, final: bool) -> Row:
        """A failed attempt: kept in the message's payload (`send_attempts`, and an SMS's
        `error_message`); `final` ends the message in `error`, otherwise it waits for a retry."""
        attempts = list(self.merged(row).get("send_attempts") or [])
        attempts.append(
            {"date": clock.iso(clock.now()), "error_class": error_class, "error_message": message}
        )
        values: Row = {"send_attempts": attempts, "error_message": message}
        if final:
            values.update(status="error", send_at=None)
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            new_row = self.change(row, self.split(values, row))
        return new_row


def later(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None
