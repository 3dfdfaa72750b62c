from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, EQUAL, OBJECTS, RANGE, TEXT, Field, Fields, shown
from leadbase.db.models import activity
from leadbase.db.query import FilterSpec
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.activity.custom import TYPE, CustomActivityService

CUSTOM_ACTIVITY = register(
    ResourceSpec(
        path="activity/custom",
        table=activity,
        id_prefix="acti",
        model_name="CustomActivity",
        service=CustomActivityService,
        object_type="activity.custom_activity",
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id"), Parent("custom_activity", "custom_activity_type_id")),
        custom_field_kind="activity",
        custom_type_column="custom_activity_type_id",
        discriminator=("type", TYPE),
        filters={
            "lead_id": FilterSpec("lead_id", "id", splits=True),
            "contact_id": FilterSpec("contact_id", "id", splits=True),
            "user_id": FilterSpec("user_id", "id", splits=True),
        },
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                shown("_type", TEXT, computed=True),
                Field("custom_activity_type_id", required=True),
                Field("lead_id", required=True),
                Field("contact_id", nullable=True),
                Field("user_id", nullable=True),
                shown("user_name", TEXT, computed=True, nullable=True),
                shown("created_by", nullable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by", nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
                shown("organization_id"),
                shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
                shown("date_updated", DATETIME, sortable=True),
                Field("activity_at", DATETIME, filter_operators=RANGE, sortable=True),
                Field("status", TEXT, description="draft or published"),
                shown("last_published_at", DATETIME, nullable=True),
                Field("pinned", BOOL, computed=True),
                shown("pinned_at", DATETIME, nullable=True),
                shown("source", TEXT),
                shown("mentions", OBJECTS, computed=True),
                shown("mentions_updated_at", DATETIME, nullable=True, computed=True),
                shown("users", OBJECTS, computed=True),
            ),
            custom=True,
        ),
    )
)
CUSTOM_ACTIVITY_ENDPOINT = expose(CUSTOM_ACTIVITY, summary_name="Custom Activity", tag="activities")
