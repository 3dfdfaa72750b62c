from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, OBJECTS, TEXT, Field, Fields, filterable, shown
from leadbase.db.models import dialer_session
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.dialer.service import SOURCE_TYPES, TYPES, DialerService, choice

EQ = filterable("eq")

DIALER = register(
    ResourceSpec(
        path="dialer",
        table=dialer_session,
        id_prefix="dial",
        model_name="Dialer",
        service=DialerService,
        object_type="dialer",
        fields=Fields(
            (
                shown("id"),
                Field("type", TEXT, required=True, nullable=False, cleaner=choice(*TYPES)),
                Field(
                    "status",
                    TEXT,
                    nullable=False,
                    default="inactive",
                    max_length=32,
                    filter_operators=filterable("eq", "in"),
                ),
                Field(
                    "source_type",
                    TEXT,
                    required=True,
                    nullable=False,
                    cleaner=choice(*SOURCE_TYPES),
                    filter_operators=EQ,
                ),
                Field("source_value", TEXT, max_length=255, filter_operators=EQ),
                Field("user_id", filter_operators=EQ),
                Field("users", OBJECTS, default=list, description="[{user_id, is_active, state}]"),
                Field("caller_id", TEXT, max_length=32),
                Field("ring_mode", TEXT, max_length=32),
                Field("music_preference", TEXT, max_length=32),
                Field("is_user_dependent", BOOL, nullable=False, default=False),
                shown("organization_id"),
                shown("date_created", DATETIME),
                shown("date_updated", DATETIME),
            )
        ),
    )
)
# Read-only through the API: sessions are recorded with `leadbase load dialer FILE`.
DIALER_ENDPOINT = expose(DIALER, verbs=frozenset({"list", "get"}), summary_name="Dialer", tag="dialers")
