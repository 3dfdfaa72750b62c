from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, OBJECTS, TEXT, Field, Fields, shown
from leadbase.db.resource import register
from leadbase.resources.activities import activity_spec, base_fields
from leadbase.resources.activity_note.service import NoteService

NOTE = register(
    activity_spec(
        path="activity/note",
        model_name="Note",
        service=NoteService,
        object_type="activity.note",
        fields=Fields(
            (
                *base_fields(),
                Field(
                    "note",
                    TEXT,
                    default="",
                    description="Plain text; filled from note_html when that is written",
                ),
                Field("note_html", TEXT, default="", description="<body>...</body> rich text, sanitized"),
                Field("title", TEXT, nullable=True, max_length=255),
                Field("pinned", BOOL, computed=True),
                shown("pinned_at", DATETIME, nullable=True),
                Field(
                    "attachments",
                    OBJECTS,
                    description="[{url, filename, content_type}]: download URLs from POST /files/upload/",
                ),
                shown("note_mentions", OBJECTS, computed=True),
                shown("source", TEXT, nullable=True),
            )
        ),
    )
)
NOTE_ENDPOINT = expose(NOTE, summary_name="Note", tag="activities")
