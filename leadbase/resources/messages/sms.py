"""SMS and MMS (/activity/sms/): logged, drafted, or sent (into the captured outbox) at their time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core import clock
from leadbase.core.errors import FieldErrors
from leadbase.db.fields import REQUIRED
from leadbase.db.repository import Row
from leadbase.resources.activities import NO_SEQUENCE
from leadbase.resources.activity_values import Attachments, phone_details, phone_number
from leadbase.resources.messages.base import MessageService, later
from leadbase.resources.messages.email import TRANSITIONS

SMS = "SMS"
STATUSES = ("inbox", "draft", "scheduled", "outbox", "sent", "error")
DIRECTIONS = ("inbound", "outbound")
SOURCES = ("Close.io", "External")
# Close's MMS content types (the published schema's list).
MMS_TYPES = frozenset(
    {
        "application/pdf", "application/vcard", "audio/3gpp", "audio/3gpp2", "audio/l24", "audio/ac3",
        "audio/amr", "audio/amr-nb", "audio/basic", "audio/mp4", "audio/mpeg", "audio/ogg",
        "audio/vnd.rn-realaudio", "audio/vnd.wave", "audio/webm", "image/bmp", "image/gif", "image/jpeg",
        "image/jpg", "image/png", "image/tiff", "text/calendar", "text/csv", "text/directory",
        "text/richtext", "text/rtf", "text/vcard", "text/x-vcard", "video/3gpp", "video/3gpp-tt",
        "video/3gpp2", "video/h261", "video/h263", "video/h263-1998", "video/h263-2000", "video/h264",
        "video/mp4", "video/mpeg", "video/quicktime", "video/webm",
    }
)  # fmt: skip
# MMS: Close's media types; the size and media id are the carrier's (unknown here).
ATTACHMENTS = Attachments(
    content_types=MMS_TYPES, added=(("size", None), ("media_id", None), ("thumbnail_url", None))
)
# Sending (now or later) needs the number it goes from and the one it goes to.
SENDING = frozenset({"scheduled", "outbox"})
ALWAYS_CHANGEABLE = frozenset({"contact_id", "user_id", "status"})


class SmsService(MessageService):
    SENDS = True
    EMPTY = {"cost": None, **NO_SEQUENCE, "agent_config_id": None, "agent_action_reason": None}

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {
            "local_phone_formatted": lambda row: phone_details(row["local_phone"])[0],
            "remote_phone_formatted": lambda row: phone_details(row["remote_phone"])[0],
            "local_country_iso": lambda row: phone_details(row["local_phone"])[1],
            "remote_country_iso": lambda row: phone_details(row["remote_phone"])[1],
            "error_message": lambda row: row.get("error_message"),
        }

    def _cleaners(self, found: dict[str, Any], row: Row | None = None) -> dict[str, Callable[[Any], Any]]:
        return {
            **self.common_cleaners(found, row),
            "date_scheduled": self.moment,
            "local_phone": phone_number(None),
            "remote_phone": phone_number(None),
            "attachments": ATTACHMENTS.cleaner(self.ctx),
        }

    def _check(self, values: Row, status: Any, errors: FieldErrors) -> None:
        if status == "scheduled" and values.get("date_scheduled") is None:
            errors.add("date_scheduled", "A scheduled SMS needs date_scheduled.")
        if status in SENDING:
            for key in ("local_phone", "remote_phone"):
                if not values.get(key):
                    errors.add(key, f"An SMS with status {status} needs {key}.")
        send_in = values.get("send_in")
        if send_in is not None and (status != "outbox" or not 0 <= send_in < 60):
            errors.add("send_in", "send_in is a delay of less than 60 seconds for an SMS in outbox.")

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        found: dict[str, Any] = {}
        values = self._fields().clean(body, creating=True, errors=errors, cleaners=self._cleaners(found))
        values.update(self.imported(body, errors))
        status = values.get("status")
        if status is None and "status" not in errors.errors:
            errors.add("status", REQUIRED)
        self._check(values, status, errors)
        errors.raise_if_any()
        values["text"] = values.get("text") or ""
        values["direction"] = values.get("direction") or ("inbound" if status == "inbox" else "outbound")
        values["source"] = values.get("source") or "External"
        values["user_id"] = values.get("user_id") or self.ctx.actor.user_id
        if status in ("sent", "inbox"):
            values["date_sent"] = values.get("activity_at") or values["date_created"]
        values["activity_at"] = (
            values.get("activity_at")
            or later(values.get("date_sent"), values.get("date_scheduled"))
            or values["date_created"]
            or clock.now()
        )
        self.plan_send(values, status)
        values.pop("send_in", None)
        return self.split(values)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        row = self.merged(row)
        errors = FieldErrors()
        values = self._fields().clean(body, creating=False, errors=errors, cleaners=self._cleaners({}, row))
        for key in ("status", "activity_at", "direction", "source"):
            if key in values and values[key] is None:
                del values[key]
        current = row["status"]
        status = values.get("status", current)
        if status != current and status not in TRANSITIONS.get(current, frozenset()):
            errors.add("status", f"An SMS cannot go from {current} to {status}.")
        errors.raise_if_any()
        if "text" in values and values["text"] is None:
            values["text"] = ""
        changed = {k for k, v in values.items() if row.get(k) != v}
        if not (current == "draft" or status == "draft"):
            for key in sorted(changed - ALWAYS_CHANGEABLE):
                errors.add(key, f"Only draft SMS can be changed; this one is {current}.")
        if status != current:
            self._check({**row, **values}, status, errors)
        errors.raise_if_any()
        self.plan_send(values, status, changing_from=current, row=row)
        values.pop("send_in", None)
        if status == "scheduled" and "date_scheduled" in values and "activity_at" not in body:
            values["activity_at"] = values["date_scheduled"]
        return self.split(values, row)
