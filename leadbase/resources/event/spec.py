from leadbase.api.endpoint import expose
from leadbase.db.fields import DATETIME, IDS, OBJECT, TEXT, Fields, shown
from leadbase.db.models import event
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.event.service import EventService, empty_if_null, naive

EVENT = register(
    ResourceSpec(
        path="event",
        table=event,
        id_prefix="ev",
        model_name="Event",
        service=EventService,
        fields=Fields(
            (
                shown("id"),
                # Naive UTC in the envelope (the data inside has offsets), as Close shows them.
                shown("date_created", DATETIME, shows=naive),
                shown("date_updated", DATETIME, shows=naive),
                shown("organization_id"),
                shown("user_id", nullable=True),
                shown("request_id", nullable=True),
                shown("api_key_id", nullable=True),
                shown("oauth_client_id", nullable=True, computed=True),
                shown("oauth_scope", TEXT, nullable=True, computed=True),
                shown("object_type", TEXT),
                shown("object_id"),
                shown("lead_id", nullable=True),
                shown("action", TEXT),
                shown("changed_fields", IDS),
                shown("meta", OBJECT),
                shown("data", OBJECT, nullable=True),
                shown("previous_data", OBJECT, shows=empty_if_null),
            )
        ),
    )
)
EVENT_ENDPOINT = expose(EVENT, verbs=frozenset({"get"}), tag="events")
