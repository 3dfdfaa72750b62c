from leadbase.db.models import event
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.event.service import EventService

EVENT = register(
    ResourceSpec(
        path="event",
        table=event,
        id_prefix="ev",
        model_name="Event",
        service=EventService,
        verbs=frozenset({"get"}),
        tag="events",
    )
)
