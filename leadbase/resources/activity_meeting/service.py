"""Meetings: made by calendar sync (here `leadbase load activity/meeting`, the import path), then
read, updated (notes, outcome, attendees...) and deleted through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from leadbase.core import clock
from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import FieldErrors
from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.resources.activities import ActivityService, OnRequest, mentions_of
from leadbase.resources.activity_values import Cleaner, choice, outcome_reference, seconds, transcripts

STATUSES = ("upcoming", "in-progress", "completed", "canceled", "declined-by-lead", "declined-by-org")
ATTENDEE_STATUSES = ("noreply", "yes", "no", "maybe")
# The event actions Close's log records when a meeting comes to a status (beside `created` or
# `updated`); a declined meeting has none of its own.
STATUS_ACTIONS = {
    "upcoming": "scheduled",
    "in-progress": "started",
    "completed": "completed",
    "canceled": "canceled",
}


def _attendees(value: Any) -> Any:
    """`[{email, name, contact_id, user_id, is_organizer, status}]`, emails normalized."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Must be a list of attendees.")
    out: list[dict[str, Any]] = []
    problems: dict[str, Any] = {}
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
            problems[str(i)] = {"email": "Enter a valid email address."}
            continue
        try:
            email = normalized_email(entry["email"].strip())
        except EmailNotValidError:
            problems[str(i)] = {"email": "Enter a valid email address."}
            continue
        status = entry.get("status") or "noreply"
        if status not in ATTENDEE_STATUSES:
            problems[str(i)] = {"status": "Not a valid choice: use noreply, yes, no or maybe."}
            continue
        name = entry.get("name")
        out.append(
            {
                "email": email,
                "name": name if isinstance(name, str) else None,
                "contact_id": entry.get("contact_id") if isinstance(entry.get("contact_id"), str) else None,
                "user_id": entry.get("user_id") if isinstance(entry.get("user_id"), str) else None,
                "is_organizer": bool(entry.get("is_organizer", False)),
                "status": status,
            }
        )
    if problems:
        raise Problem({"errors": problems})
    return out


def _objects(value: Any) -> Any:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Problem("Must be a list of objects.")
    return value


class MeetingService(ActivityService):
    RICH_TEXT = (("user_note", "user_note_html"),)
    API_SOURCE = "calendar"
    # Notetaker transcripts, shown only with `_fields=transcripts` (crm-core.md §8.7).
    ON_REQUEST = {"transcripts": OnRequest(transcripts, empty=[])}

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {
            "user_note_mentions": mentions_of("user_note_html"),
            "calendar_event_uids": lambda row: row.get("calendar_event_uids") or [],
            "provider_calendar_ids": lambda row: row.get("provider_calendar_ids") or [],
            "attached_call_ids": lambda row: row.get("attached_call_ids") or [],
        }

    def cleaners(self, row: Row | None, found: dict[str, Any]) -> dict[str, Cleaner]:
        return {
            "status": choice(*STATUSES, nullable=row is None),
            "starts_at": self.moment,
            "ends_at": self.moment,
            "duration": seconds,
            "actual_duration": seconds,
            "attendees": _attendees,
            "conference_links": _objects,
            "outcome_id": outcome_reference(self.ctx, "meetings"),
        }

    def _times(self, starts: Any, ends: Any, values: Row, errors: FieldErrors) -> None:
        if isinstance(starts, datetime) and isinstance(ends, datetime):
            if ends < starts:
                errors.add("ends_at", "A meeting cannot end before it starts.")
            elif "duration" not in values or values["duration"] is None:
                values["duration"] = int((ends - starts).total_seconds())

    def create_rules(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        values["status"] = values.get("status") or "upcoming"
        values["source"] = body.get("source") if isinstance(body.get("source"), str) else "calendar"
        for key in ("attendees", "conference_links"):
            values[key] = values.get(key) or []
        values["integrations"] = []
        values["is_recurring"] = bool(values.get("is_recurring"))
        if values.get("starts_at") is None:
            errors.add("starts_at", "This field is required.")
        self._times(values.get("starts_at"), values.get("ends_at"), values, errors)
        # A meeting happens when it starts.
        values["activity_at"] = values.get("starts_at")

    def update_rules(self, row: Row, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        if "status" in values and values["status"] is None:
            errors.add("status", "This field may not be null.")
        for key in ("starts_at", "attendees", "conference_links"):
            if key in values and values[key] in (None, []) and key == "starts_at":
                errors.add(key, "This field may not be null.")
        starts = values.get("starts_at", row.get("starts_at"))
        ends = values.get("ends_at", row.get("ends_at"))
        if "starts_at" in values or "ends_at" in values:
            self._times(starts, ends, values, errors)
            if "starts_at" in values and values["starts_at"] is not None:
                values["activity_at"] = values["starts_at"]
        if "user_note_html" in values and values["user_note_html"] != row.get("user_note_html"):
            values["user_note_date_updated"] = clock.now()

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        self._announce_status(row)

    def after_update(self, before: Row, after: Row) -> None:
        if after["status"] != before["status"]:
            self._announce_status(after)

    def _announce_status(self, row: Row) -> None:
        action = STATUS_ACTIONS.get(row["status"])
        if action is not None:
            self.unit.announce(self.spec, row, action, first=False)

    def integrate(self, row: Row, app: str, body: dict[str, Any]) -> None:
        """Create or replace the tab of the application `app` on the meeting; an empty body does nothing."""
        if not body:
            return
        with self.unit.operation():
            self.authorize("update", row)
            row = self.unit.changing(self.spec, row)
            payload = dict(row.get("payload") or {})
            tabs = [t for t in payload.get("integrations") or [] if t.get("oauth_client_id") != app]
            tabs.append({**body, "oauth_client_id": app})
            payload["integrations"] = tabs
            self.change(row, {"payload": payload, "updated_by": self.ctx.actor.user_id})
