"""Calls: the API logs calls made outside Close's telephony (source `External`); calls placed
through Close (source `Close.io`) keep their status, duration and direction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityService, OnRequest, mentions_of
from leadbase.resources.activity_values import (
    Cleaner,
    choice,
    https_url,
    outcome_reference,
    phone_details,
    phone_number,
    phone_region,
    seconds,
    transcript,
)

STATUSES = ("created", "in-progress", "completed", "cancel", "no-answer", "busy", "failed", "timeout")
DIRECTIONS = ("inbound", "outbound")
DISPOSITIONS = ("answered", "no-answer", "vm-answer", "vm-left", "busy", "blocked", "error", "abandoned")
CALL_METHODS = ("regular", "power", "predictive")
EXTERNAL = "External"
# What a call placed through Close's telephony keeps.
VOIP_FIXED = ("status", "duration", "direction")


def _object_or_null(value: Any) -> Any:
    if value is not None and not isinstance(value, dict):
        raise Problem("Must be an object.")
    return value


class CallService(ActivityService):
    RICH_TEXT = (("note", "note_html"),)
    API_SOURCE = EXTERNAL
    # Shown only when `_fields` names them (crm-core.md §8.2); stored when the API gives them.
    ON_REQUEST = {
        "recording_transcript": OnRequest(transcript),
        "voicemail_transcript": OnRequest(transcript),
    }

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        def detail(column: str, index: int) -> Callable[[Row], Any]:
            return lambda row: phone_details(row.get(column))[index]

        return {
            "remote_phone": lambda row: row.get("phone"),
            "remote_phone_formatted": detail("phone", 0),
            "remote_country_iso": detail("phone", 1),
            "local_phone_formatted": detail("local_phone", 0),
            "local_country_iso": detail("local_phone", 1),
            "has_recording": lambda row: bool(row.get("recording_url")),
            "is_forwarded": lambda row: bool(row.get("is_forwarded")),
            "is_to_group_number": lambda row: bool(row.get("is_to_group_number")),
            "is_joinable": lambda row: bool(row.get("is_joinable")),
            "coach_legs": lambda row: row.get("coach_legs") or [],
            "note_mentions": mentions_of("note_html"),
        }

    def cleaners(self, row: Row | None, found: dict[str, Any]) -> dict[str, Cleaner]:
        region = phone_region(self.ctx)
        return {
            "status": choice(*STATUSES, nullable=row is None),
            "direction": choice(*DIRECTIONS),
            "disposition": choice(*DISPOSITIONS),
            "call_method": choice(*CALL_METHODS),
            "duration": seconds,
            "recording_duration": seconds,
            "voicemail_duration": seconds,
            "recording_url": https_url,
            "voicemail_url": https_url,
            "phone": phone_number(region),
            "local_phone": phone_number(region),
            "outcome_id": outcome_reference(self.ctx, "calls"),
            "quality_info": _object_or_null,
        }

    def create_rules(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        values["status"] = values.get("status") or "completed"
        values["duration"] = values.get("duration") or 0
        values["source"] = EXTERNAL
        if values.get("recording_url") is None:
            values["recording_duration"] = None
        if values.get("voicemail_url") is None:
            values["voicemail_duration"] = None

    def update_rules(self, row: Row, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        if row.get("source") != EXTERNAL:
            for key in VOIP_FIXED:
                if key in values and values[key] != row.get(key):
                    errors.add(key, "A call placed through Close keeps its status, duration and direction.")
        if "status" in values and values["status"] is None:
            errors.add("status", "This field may not be null.")
