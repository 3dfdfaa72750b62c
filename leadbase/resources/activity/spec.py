from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, EQUAL, OBJECT, OBJECTS, RANGE, TEXT, Field, Fields, shown
from leadbase.db.models import activity
from leadbase.db.query import FilterSpec
from leadbase.db.resource import Family, Parent, ResourceSpec, register
from leadbase.resources.activity.custom import TYPE, CustomActivityService, status_value
from leadbase.resources.activity.service import ActivityService

# The filters every activity list takes (comma lists of ids, as Close's clients send them).
BY_OBJECT = {
    "lead_id": FilterSpec("lead_id", "id", splits=True),
    "contact_id": FilterSpec("contact_id", "id", splits=True),
    "user_id": FilterSpec("user_id", "id", splits=True),
}

# Every activity type together (GET /activity/): the members are the specs on the `activity`
# table with a `discriminator=("type", ...)`, each rendering its own rows.
ACTIVITY = register(
    ResourceSpec(
        path="activity",
        table=activity,
        id_prefix="acti",
        model_name="Activity",
        service=ActivityService,
        lead_column="lead_id",
        family=Family("type", aliases={"Custom": TYPE}),
        filters=BY_OBJECT,
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                shown("_type", TEXT, column="type"),
                shown("lead_id", nullable=True),
                shown("contact_id", nullable=True),
                shown("user_id", nullable=True),
                shown("organization_id"),
                shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
                shown("date_updated", DATETIME),
                shown("activity_at", DATETIME, nullable=True, filter_operators=RANGE, sortable=True),
                shown("created_by", nullable=True),
                shown("updated_by", nullable=True),
            ),
            # Each type shows more than these (and custom activities their custom values).
            custom=True,
        ),
    )
)
ACTIVITY_ENDPOINT = expose(
    ACTIVITY, verbs=frozenset({"list"}), summary_plural="Activities of every type", tag="activities"
)

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
        filters=BY_OBJECT,
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                shown("_type", TEXT, computed=True),
                Field("custom_activity_type_id", required=True),
                Field("lead_id", required=True, error_name="lead"),
                Field("contact_id", nullable=True, error_name="contact"),
                Field("user_id", nullable=True, error_name="user"),
                shown("user_name", TEXT, computed=True, nullable=True),
                shown("created_by", nullable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by", nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
                shown("organization_id"),
                shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
                shown("date_updated", DATETIME, sortable=True),
                Field("activity_at", DATETIME, filter_operators=RANGE, sortable=True),
                Field("status", TEXT, cleaner=status_value, description="draft or published"),
                shown("last_published_at", DATETIME, nullable=True),
                Field("pinned", BOOL, computed=True),
                shown("pinned_at", DATETIME, nullable=True),
                shown("source", TEXT),
                shown("mentions", OBJECTS, computed=True),
                shown("mentions_updated_at", DATETIME, nullable=True, computed=True),
                shown("users", OBJECTS, computed=True),
                shown("comment_summary", OBJECT, computed=True, nullable=True),
            ),
            custom=True,
        ),
    )
)
CUSTOM_ACTIVITY_ENDPOINT = expose(CUSTOM_ACTIVITY, summary_name="Custom Activity", tag="activities")
