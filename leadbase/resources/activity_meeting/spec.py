from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, IDS, INT, OBJECTS, TEXT, Field, Fields, shown
from leadbase.db.resource import register
from leadbase.resources.activities import activity_spec, base_fields
from leadbase.resources.activity_meeting.service import MeetingService

MEETING = register(
    activity_spec(
        path="activity/meeting",
        model_name="Meeting",
        service=MeetingService,
        object_type="activity.meeting",
        fields=Fields(
            (
                *base_fields(),
                Field("title", TEXT, nullable=True, max_length=1024),
                Field("location", TEXT, nullable=True),
                Field("note", TEXT, nullable=True, description="The calendar event's description"),
                Field("starts_at", DATETIME),
                Field("ends_at", DATETIME, nullable=True),
                Field("duration", INT, nullable=True, description="seconds"),
                Field("actual_duration", INT, nullable=True, description="seconds"),
                Field("status", TEXT, description="upcoming, in-progress, completed, canceled..."),
                Field(
                    "attendees",
                    OBJECTS,
                    description="[{email, name, contact_id, user_id, is_organizer, status}]",
                ),
                Field("is_recurring", BOOL),
                Field("calendar_event_link", TEXT, nullable=True),
                Field("conference_links", OBJECTS, description="[{type, url}]"),
                Field("user_note", TEXT, default="", description="Plain text; filled from user_note_html"),
                Field(
                    "user_note_html", TEXT, default="", description="<body>...</body> rich text, sanitized"
                ),
                shown("user_note_date_updated", DATETIME, nullable=True),
                shown("user_note_mentions", OBJECTS, computed=True),
                Field("outcome_id", nullable=True),
                shown("integrations", OBJECTS),
                shown("calendar_event_uids", IDS, computed=True),
                shown("connected_account_id", nullable=True),
                shown("provider_calendar_event_id", TEXT, nullable=True),
                shown("provider_calendar_ids", IDS, computed=True),
                shown("provider_calendar_type", TEXT, nullable=True, description="google or microsoft"),
                shown("outcome_reason", TEXT, nullable=True),
                shown("outcome_autofill_confidence", TEXT, nullable=True),
                shown("outcome_autofill_reasoning", TEXT, nullable=True),
                shown("playbook_id", nullable=True),
                shown("playbook_reason", TEXT, nullable=True),
                shown("conversation_type_id", nullable=True),
                shown("conversation_type_reason", TEXT, nullable=True),
                shown("notetaker_id", nullable=True),
                shown("attached_call_ids", IDS, computed=True),
                shown("summary", TEXT, nullable=True),
                shown("source", TEXT, nullable=True),
            )
        ),
    )
)
MEETING_ENDPOINT = expose(
    MEETING, verbs=frozenset({"list", "get", "update", "delete"}), summary_name="Meeting", tag="activities"
)
