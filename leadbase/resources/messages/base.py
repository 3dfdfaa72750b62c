"""What every message kind adds to the activity base: how it is sent.

Each message kind (Email, EmailThread, SMS, WhatsAppMessage) is a row of the `activity` table
with its `type`. Fields its lists filter on are real columns (status, direction, the scheduled and
sent dates, an email's thread, a lookup key); every other declared field lives in the row's
`payload` document, moved there and back by `ActivityBase` (resources/activities.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityBase


class MessageService(ActivityBase):
    """The rules every message kind shares; subclasses add their own."""

    # Whether the kind is ever sent (emails and SMS; WhatsApp messages are only synced in).
    SENDS: ClassVar[bool] = False
    # The statuses a message leaves when it goes out (a draft is sent through outbox first).
    SENDABLE: ClassVar[frozenset[str]] = frozenset({"outbox", "sending", "scheduled"})

    def mark_sent(self, row: Row, when: datetime | None = None) -> Row:
        """A message left: status `sent`, `date_sent` and `activity_at` at `when` (now), and
        Close's `sent` event after its `updated`. No mail leaves leadbase yet: this is what the
        sender (a later issue) calls, in its own unit of work, once the provider accepted the
        message. A message that is not waiting to go out is refused."""
        if not self.SENDS or row["status"] not in self.SENDABLE:
            raise Invalid({"status": f"A {self.spec.model_name} with status {row['status']} is not sent."})
        moment = when or clock.now()
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            new_row = self.change(row, {"status": "sent", "date_sent": moment, "activity_at": moment})
            self.unit.announce(self.spec, new_row, "sent", first=False)
        return new_row


def later(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None
