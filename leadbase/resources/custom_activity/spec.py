from leadbase.core.ids import SHORT
from leadbase.db.models import custom_activity_type
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.custom_activity.service import CustomActivityTypeService

CUSTOM_ACTIVITY_TYPE = register(
    ResourceSpec(
        path="custom_activity",
        table=custom_activity_type,
        id_prefix="actitype",
        id_length=SHORT,
        model_name="CustomActivityType",
        summary_name="Custom Activity Type",
        service=CustomActivityTypeService,
        object_type="custom_activity_type",
        has_more=False,
        default_limit=10_000,
        max_limit=10_000,
        create_status=201,
        delete_status=204,
        tag="custom_activity_types",
    )
)
