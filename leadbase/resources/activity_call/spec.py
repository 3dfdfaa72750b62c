from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, INT, OBJECT, OBJECTS, TEXT, Field, Fields, shown
from leadbase.db.resource import register
from leadbase.resources.activities import activity_spec, base_fields
from leadbase.resources.activity_call.service import CallService

CALL = register(
    activity_spec(
        path="activity/call",
        model_name="Call",
        service=CallService,
        object_type="activity.call",
        fields=Fields(
            (
                *base_fields(),
                Field("direction", TEXT, nullable=True, description="inbound or outbound"),
                Field("status", TEXT, description="completed (default), created, in-progress, no-answer..."),
                Field("disposition", TEXT, nullable=True, description="answered, no-answer, vm-left..."),
                Field("call_method", TEXT, nullable=True, description="regular, power or predictive"),
                Field("duration", INT, description="seconds"),
                shown("cost", INT, nullable=True),
                Field("phone", TEXT, nullable=True, description="The remote number, stored in E.164"),
                shown("remote_phone", TEXT, nullable=True, computed=True),
                shown("remote_phone_formatted", TEXT, nullable=True, computed=True),
                shown("remote_country_iso", TEXT, nullable=True, computed=True),
                Field("local_phone", TEXT, nullable=True),
                shown("local_phone_formatted", TEXT, nullable=True, computed=True),
                shown("local_country_iso", TEXT, nullable=True, computed=True),
                Field("recording_url", TEXT, nullable=True, description="https:// only"),
                Field("recording_duration", INT, nullable=True, description="seconds"),
                shown("has_recording", BOOL, computed=True),
                Field("voicemail_url", TEXT, nullable=True, description="https:// only"),
                Field("voicemail_duration", INT, nullable=True, description="seconds"),
                Field(
                    "note",
                    TEXT,
                    default="",
                    description="Plain text; filled from note_html when that is written",
                ),
                Field("note_html", TEXT, default="", description="<body>...</body> rich text, sanitized"),
                Field("outcome_id", nullable=True),
                shown("date_answered", DATETIME, nullable=True),
                shown("recording_expires_at", DATETIME, nullable=True),
                shown("transferred_from", nullable=True),
                shown("transferred_to", nullable=True),
                shown("transferred_from_user_id", nullable=True),
                shown("transferred_to_user_id", nullable=True),
                shown("is_forwarded", BOOL, computed=True),
                shown("forwarded_to", TEXT, nullable=True),
                shown("is_to_group_number", BOOL, computed=True),
                shown("is_joinable", BOOL, computed=True),
                shown("dialer_id", nullable=True),
                shown("dialer_saved_search_id", nullable=True),
                shown("coach_legs", OBJECTS, computed=True),
                Field("playbook_id", nullable=True),
                Field("conversation_type_id", nullable=True),
                Field("quality_info", OBJECT, nullable=True),
                shown("sequence_id", nullable=True),
                shown("sequence_name", TEXT, nullable=True),
                shown("sequence_subscription_id", nullable=True),
                shown("source", TEXT, nullable=True, description="External for calls the API logs"),
                shown("note_mentions", OBJECTS, computed=True),
            )
        ),
    )
)
CALL_ENDPOINT = expose(CALL, summary_name="Call", tag="activities")
