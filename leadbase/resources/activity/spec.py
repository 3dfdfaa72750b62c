from leadbase.db.models import activity
from leadbase.db.query import RANGE_OPERATORS, FilterSpec
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.activity.custom import TYPE, CustomActivityService, id_list

CUSTOM_ACTIVITY = register(
    ResourceSpec(
        path="activity/custom",
        table=activity,
        id_prefix="acti",
        model_name="CustomActivity",
        summary_name="Custom Activity",
        service=CustomActivityService,
        object_type="activity.custom_activity",
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id"), Parent("custom_activity", "custom_activity_type_id")),
        custom_field_kind="activity",
        custom_type_column="custom_activity_type_id",
        discriminator=("type", TYPE),
        filters={
            "id": FilterSpec("id", "id"),
            "lead_id": FilterSpec("lead_id", "id", build=id_list("lead_id")),
            "contact_id": FilterSpec("contact_id", "id", build=id_list("contact_id")),
            "user_id": FilterSpec("user_id", "id", build=id_list("user_id")),
            "date_created": FilterSpec("date_created", "datetime", RANGE_OPERATORS),
            "activity_at": FilterSpec("activity_at", "datetime", RANGE_OPERATORS),
        },
        orderings={
            "date_created": "date_created",
            "date_updated": "date_updated",
            "activity_at": "activity_at",
        },
        tag="activities",
    )
)
