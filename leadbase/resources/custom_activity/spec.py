from leadbase.api.endpoint import expose
from leadbase.core.ids import SHORT
from leadbase.db.models import custom_activity_type
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.custom_activity.service import CustomActivityTypeService
from leadbase.resources.custom_types import TYPE_ENDPOINT, type_fields

CUSTOM_ACTIVITY_TYPE = register(
    ResourceSpec(
        path="custom_activity",
        table=custom_activity_type,
        id_prefix="actitype",
        id_length=SHORT,
        model_name="CustomActivityType",
        service=CustomActivityTypeService,
        object_type="custom_activity_type",
        fields=type_fields(),
    )
)
CUSTOM_ACTIVITY_TYPE_ENDPOINT = expose(
    CUSTOM_ACTIVITY_TYPE, summary_name="Custom Activity Type", tag="custom_activity_types", **TYPE_ENDPOINT
)
