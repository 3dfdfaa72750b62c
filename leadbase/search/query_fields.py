"""What each name in a lead query string means, per object type, in Advanced Filtering terms.

The query-string translator (query_string.py) looks names up here: a field of the object being
filtered (`name:`, `date_updated>=`, `duration>60` inside `call(...)`), a relation that
`name(...)` opens (`call(...)` -> has_related activity.call), what `has:x` tests and which count
`contacts > 1` compares. Field names on the right are those of Close's Advanced Filtering
catalogue, so the result is the JSON query a Close user would have written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "date", "number", "term", "boolean", "user", "status", "reference", "id"]


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the Advanced Filtering field_name
    kind: Kind
    reference_type: str = ""  # for "reference" and "status" kinds


def _text(name: str) -> FieldSpec:
    return FieldSpec(name, "text")


def _date(name: str) -> FieldSpec:
    return FieldSpec(name, "date")


def _number(name: str) -> FieldSpec:
    return FieldSpec(name, "number")


def _term(name: str) -> FieldSpec:
    return FieldSpec(name, "term")


def _user(name: str) -> FieldSpec:
    return FieldSpec(name, "user", "user")


_ID = FieldSpec("id", "id")
_DATES = {
    "date_created": _date("date_created"),
    "created": _date("date_created"),
    "date_updated": _date("date_updated"),
    "updated": _date("date_updated"),
}
_AUTHORS = {"created_by": _user("created_by"), "updated_by": _user("updated_by")}

# The lead's computed activity fields (lead_activity_count), by every name clients use for them.
_ACTIVITY_COUNTS = {
    "calls": "num_calls",
    "emails": "num_emails",
    "sms": "num_sms",
    "sms_messages": "num_sms",
    "meetings": "num_meetings",
    "notes": "num_notes",
}
# Counts of the lead's own children; `addresses_count` is Close's documented name and the rest
# follow its pattern.
_CHILD_COUNTS = {
    "contacts": "contacts_count",
    "opportunities": "opportunities_count",
    "tasks": "tasks_count",
    "addresses": "addresses_count",
    "urls": "all_urls_count",
}
LEAD_COUNTS = {**_ACTIVITY_COUNTS, **_CHILD_COUNTS}
# Count fields that are counts of one kind of related object (`contacts > 0` = has a contact).
CHILD_RELATIONS = {"contacts_count": "contact", "opportunities_count": "opportunity", "tasks_count": "task"}

_LEAD: dict[str, FieldSpec] = {
    "id": _ID,
    "lead_id": _ID,
    "name": _text("name"),
    "lead_name": _text("name"),
    "company": _text("name"),
    "display_name": _text("display_name"),
    "description": _text("description"),
    "url": _text("url"),
    "status": FieldSpec("status_id", "status", "status.lead"),
    "lead_status": FieldSpec("status_id", "status", "status.lead"),
    "status_id": FieldSpec("status_id", "reference", "status.lead"),
    "last_lead_status_change_date": _date("last_lead_status_change_date"),
    "last_activity_date": _date("last_activity_date"),
    **_DATES,
    **_AUTHORS,
    **{name: _number(name) for name in _ACTIVITY_COUNTS.values()},
    **{name: _number(name) for name in _CHILD_COUNTS.values()},
    **{
        f"last_{kind}_date": _date(f"last_{kind}_date")
        for kind in ("call", "email", "sms", "meeting", "note")
    },
    **{alias: _number(name) for alias, name in LEAD_COUNTS.items()},
}

_CONTACT: dict[str, FieldSpec] = {
    "id": _ID,
    "contact_id": _ID,
    "name": _text("name"),
    "title": _text("title"),
    "lead_id": FieldSpec("lead_id", "reference", "lead"),
    "emails_count": _number("emails_count"),
    "phones_count": _number("phones_count"),
    "urls_count": _number("urls_count"),
    **_DATES,
    **_AUTHORS,
}

_OPPORTUNITY: dict[str, FieldSpec] = {
    "id": _ID,
    "opportunity_id": _ID,
    "status": FieldSpec("status_id", "status", "status.opportunity"),
    "status_id": FieldSpec("status_id", "reference", "status.opportunity"),
    "status_type": _term("status_type"),
    "value": _number("value"),
    "confidence": _number("confidence"),
    "value_period": _term("value_period"),
    "note": _text("note"),
    "date_won": _date("date_won"),
    "user": _user("user_id"),
    "user_id": _user("user_id"),
    "lead_id": FieldSpec("lead_id", "reference", "lead"),
    **_DATES,
    **_AUTHORS,
}

_ACTIVITY: dict[str, FieldSpec] = {
    "id": _ID,
    # Close's "date" of an activity is when it happened, which logging can backdate.
    "date": _date("activity_at"),
    "activity_at": _date("activity_at"),
    "user": _user("user_id"),
    "user_id": _user("user_id"),
    "direction": _term("direction"),
    "status": _term("status"),
    **_DATES,
    **_AUTHORS,
}
_CALL = {
    **_ACTIVITY,
    "duration": _number("duration"),
    "disposition": _term("disposition"),
    "note": _text("note"),
}
_EMAIL = {
    **_ACTIVITY,
    "date": _date("date_sent"),
    "date_sent": _date("date_sent"),
    "subject": _text("subject"),
    "body": _text("body_text"),
    "body_text": _text("body_text"),
}
_SMS = {**_ACTIVITY, "text": _text("text")}
_NOTE = {**_ACTIVITY, "note": _text("note"), "text": _text("note")}
_MEETING = {**_ACTIVITY, "title": _text("title"), "duration": _number("duration")}
_STATUS_CHANGE = {
    **_ACTIVITY,
    "old_status": FieldSpec("old_status_id", "status", "status.lead"),
    "new_status": FieldSpec("new_status_id", "status", "status.lead"),
}
_OPPORTUNITY_STATUS_CHANGE = {
    **_ACTIVITY,
    "old_status": FieldSpec("old_status_id", "status", "status.opportunity"),
    "new_status": FieldSpec("new_status_id", "status", "status.opportunity"),
    "old_status_type": _term("old_status_type"),
    "new_status_type": _term("new_status_type"),
}

_TASK: dict[str, FieldSpec] = {
    "id": _ID,
    "text": _text("text"),
    "is_complete": FieldSpec("is_complete", "boolean"),
    "date": _date("date"),
    "due_date": _date("date"),
    "assigned_to": _user("assigned_to"),
    "user": _user("assigned_to"),
    **_DATES,
}

FIELDS: dict[str, dict[str, FieldSpec]] = {
    "lead": _LEAD,
    "contact": _CONTACT,
    "opportunity": _OPPORTUNITY,
    "activity.call": _CALL,
    "activity.email": _EMAIL,
    "activity.sms": _SMS,
    "activity.note": _NOTE,
    "activity.meeting": _MEETING,
    "activity.lead_status_change": _STATUS_CHANGE,
    "activity.opportunity_status_change": _OPPORTUNITY_STATUS_CHANGE,
    "task": _TASK,
    "contact_email": {"email": _text("email"), "type": _term("type")},
    "contact_phone": {"phone": _text("phone"), "type": _term("type")},
    "contact_url": {"url": _text("url"), "type": _term("type")},
    "address": {
        name: _text(name)
        for name in ("label", "address_1", "address_2", "city", "state", "zipcode", "country")
    },
    "sequence_subscription": {
        "sequence": FieldSpec("sequence_id", "reference", "sequence"),
        "sequence_id": FieldSpec("sequence_id", "reference", "sequence"),
        "status": _term("status"),
        **_DATES,
    },
}

_ACTIVITIES = {
    "call": "activity.call",
    "calls": "activity.call",
    "email": "activity.email",
    "emails": "activity.email",
    "sms": "activity.sms",
    "sms_message": "activity.sms",
    "sms_messages": "activity.sms",
    "note": "activity.note",
    "notes": "activity.note",
    "meeting": "activity.meeting",
    "meetings": "activity.meeting",
    "lead_status_change": "activity.lead_status_change",
    "status_change": "activity.lead_status_change",
}

# `name(...)` sub-queries: from an object type, which related object type each name opens.
RELATIONS: dict[str, dict[str, str]] = {
    "lead": {
        **_ACTIVITIES,
        "opportunity_status_change": "activity.opportunity_status_change",
        "contact": "contact",
        "contacts": "contact",
        "opportunity": "opportunity",
        "opportunities": "opportunity",
        "task": "task",
        "tasks": "task",
        "address": "address",
        "addresses": "address",
    },
    "contact": {
        "lead": "lead",
        "email": "contact_email",
        "email_address": "contact_email",
        "phone": "contact_phone",
        "phone_number": "contact_phone",
        "url": "contact_url",
        "sequence_subscription": "sequence_subscription",
    },
    "opportunity": {
        "lead": "lead",
        "status_change": "activity.opportunity_status_change",
        "opportunity_status_change": "activity.opportunity_status_change",
    },
    **{activity: {"lead": "lead"} for activity in set(_ACTIVITIES.values())},
    "task": {"lead": "lead"},
}

# `has:x` on a lead that means "has at least one related x" (the rest are `x` exists).
HAS_RELATED: dict[str, dict[str, tuple[str, ...]]] = {
    "lead": {
        **{name: (kind,) for name, kind in RELATIONS["lead"].items()},
        "email_address": ("contact", "contact_email"),
        "email_addresses": ("contact", "contact_email"),
        "phone": ("contact", "contact_phone"),
        "phone_number": ("contact", "contact_phone"),
        "phone_numbers": ("contact", "contact_phone"),
    },
    "contact": {
        "email": ("contact_email",),
        "emails": ("contact_email",),
        "email_address": ("contact_email",),
        "phone": ("contact_phone",),
        "phones": ("contact_phone",),
        "phone_number": ("contact_phone",),
        "url": ("contact_url",),
        "urls": ("contact_url",),
        "sequence_subscription": ("sequence_subscription",),
    },
    "opportunity": {},
}

# Field names that reach through a chain of relations: `email_address:x` on a lead tests the
# emails of its contacts.
THROUGH: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "lead": {
        "email": (("contact", "contact_email"), "email"),
        "email_address": (("contact", "contact_email"), "email"),
        "phone": (("contact", "contact_phone"), "phone"),
        "phone_number": (("contact", "contact_phone"), "phone"),
        "contact_name": (("contact",), "name"),
        "contact_title": (("contact",), "title"),
        "title": (("contact",), "title"),
        "city": (("address",), "city"),
        "state": (("address",), "state"),
        "country": (("address",), "country"),
        "zipcode": (("address",), "zipcode"),
    },
    "contact": {
        "email": (("contact_email",), "email"),
        "email_address": (("contact_email",), "email"),
        "phone": (("contact_phone",), "phone"),
        "phone_number": (("contact_phone",), "phone"),
        "url": (("contact_url",), "url"),
    },
    "opportunity": {},
}

# sort: names per object type (anything else sortable is named by its field).
SORTS: dict[str, dict[str, str]] = {
    "lead": {
        "created": "date_created",
        "date_created": "date_created",
        "updated": "date_updated",
        "date_updated": "date_updated",
        "name": "name",
        "display_name": "display_name",
        "lead_name": "name",
        "activities": "last_activity_date",
        "last_activity_date": "last_activity_date",
        "last_lead_status_change_date": "last_lead_status_change_date",
        **{alias: name for alias, name in LEAD_COUNTS.items()},
        **{name: name for name in LEAD_COUNTS.values()},
        **{f"last_{kind}_date": f"last_{kind}_date" for kind in ("call", "email", "sms", "meeting", "note")},
    },
    "contact": {
        "created": "date_created",
        "date_created": "date_created",
        "updated": "date_updated",
        "date_updated": "date_updated",
        "name": "name",
        "title": "title",
    },
    "opportunity": {
        "created": "date_created",
        "date_created": "date_created",
        "updated": "date_updated",
        "date_updated": "date_updated",
        "date_won": "date_won",
        "value": "value",
        "confidence": "confidence",
    },
}
