from leadbase.api.endpoint import expose
from leadbase.db.fields import (
    BOOL,
    DATETIME,
    EQUAL,
    ID,
    IDS,
    INT,
    OBJECT,
    OBJECTS,
    RANGE,
    TEXT,
    Field,
    Fields,
    shown,
)
from leadbase.db.models import activity
from leadbase.db.query import FilterSpec
from leadbase.db.resource import Family, Parent, ResourceSpec, register
from leadbase.resources.activities import BY_OBJECT, NEWEST_FIRST, activity_spec, base_fields
from leadbase.resources.activity.automatic import (
    LeadStatusChangeService,
    OpportunityStatusChangeService,
    SystemActivityService,
    payload_field,
)
from leadbase.resources.activity.custom import TYPE, CustomActivityService, status_value
from leadbase.resources.activity.service import ActivityService

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
        default_order=NEWEST_FIRST,
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
    activity_spec(
        path="activity/custom",
        model_name="CustomActivity",
        service=CustomActivityService,
        object_type="activity.custom_activity",
        parents=(Parent("custom_activity", "custom_activity_type_id"),),
        custom_field_kind="activity",
        custom_type_column="custom_activity_type_id",
        fields=Fields(
            (
                *base_fields(),
                Field("custom_activity_type_id", required=True),
                Field("status", TEXT, cleaner=status_value, description="draft or published"),
                shown("last_published_at", DATETIME, nullable=True),
                Field("pinned", BOOL, computed=True),
                shown("pinned_at", DATETIME, nullable=True),
                shown("source", TEXT),
                shown("mentions", OBJECTS, computed=True),
                shown("mentions_updated_at", DATETIME, nullable=True, computed=True),
            ),
            custom=True,
        ),
    )
)
CUSTOM_ACTIVITY_ENDPOINT = expose(CUSTOM_ACTIVITY, summary_name="Custom Activity", tag="activities")


# ---- the activities leadbase records by itself (resources/activity/automatic.py) -----------


def _system_fields(*extra: Field) -> Fields:
    """ActivityBase as Close shows it on system activities, then the type's own fields."""
    return Fields(
        (
            shown("id", filter_operators=EQUAL),
            shown("_type", TEXT, computed=True),
            Field("lead_id", required=True),
            # Taken by status change imports (a contact of the lead).
            Field("contact_id", nullable=True),
            Field("user_id", nullable=True),
            shown("user_name", TEXT, computed=True, nullable=True),
            shown("organization_id"),
            Field("activity_at", DATETIME, filter_operators=RANGE, sortable=True),
            Field("date_created", DATETIME, filter_operators=RANGE, sortable=True),
            shown("date_updated", DATETIME, sortable=True),
            shown("created_by", nullable=True),
            shown("created_by_name", TEXT, computed=True, nullable=True),
            shown("updated_by", nullable=True),
            shown("updated_by_name", TEXT, computed=True, nullable=True),
            shown("users", IDS, computed=True),
            *extra,
        )
    )


def _system(
    path: str,
    model: str,
    object_type: str,
    fields: Fields,
    service: type[SystemActivityService] = SystemActivityService,
    *,
    parents: tuple[Parent, ...] = (),
    filters: dict[str, FilterSpec] | None = None,
) -> ResourceSpec:
    return register(
        activity_spec(
            path=path,
            model_name=model,
            service=service,
            object_type=object_type,
            parents=parents,
            filters=filters,
            fields=fields,
        )
    )


_STATUS_IDS = (
    payload_field("old_status_id", ID, writable=True),
    payload_field("old_status_label", TEXT, writable=True),
    payload_field("new_status_id", ID, writable=True, required=True),
    payload_field("new_status_label", TEXT, writable=True),
)

CREATED = _system(
    "activity/created",
    "Created",
    "activity.created",
    _system_fields(shown("source", TEXT, nullable=True), payload_field("import_id")),
)
CREATED_ENDPOINT = expose(
    CREATED, verbs=frozenset({"list", "get"}), summary_name="Created activity", tag="activities"
)

LEAD_STATUS_CHANGE = _system(
    "activity/status_change/lead",
    "LeadStatusChange",
    "activity.lead_status_change",
    _system_fields(*_STATUS_IDS, payload_field("_paused_subscriptions", OBJECTS)),
    LeadStatusChangeService,
)
LEAD_STATUS_CHANGE_ENDPOINT = expose(
    LEAD_STATUS_CHANGE,
    verbs=frozenset({"list", "get", "create", "delete"}),
    summary_name="Lead Status Change activity",
    tag="activities",
)

OPPORTUNITY_STATUS_CHANGE = _system(
    "activity/status_change/opportunity",
    "OpportunityStatusChange",
    "activity.opportunity_status_change",
    _system_fields(
        Field("opportunity_id", required=True, filter_operators=EQUAL),
        *_STATUS_IDS,
        *(
            payload_field(name, value_type)
            for name, value_type in (
                ("old_status_type", TEXT),
                ("new_status_type", TEXT),
                ("old_pipeline_id", ID),
                ("old_pipeline_name", TEXT),
                ("new_pipeline_id", ID),
                ("new_pipeline_name", TEXT),
                ("opportunity_value", INT),
                ("opportunity_value_currency", TEXT),
                ("opportunity_value_formatted", TEXT),
                ("opportunity_value_period", TEXT),
                ("opportunity_confidence", INT),
                ("opportunity_date_won", TEXT),
                ("_paused_subscriptions", OBJECTS),
            )
        ),
    ),
    OpportunityStatusChangeService,
    # Not deleted with the opportunity: the feed keeps the history (the lead's deletion takes it).
    parents=(Parent("opportunity", "opportunity_id", cascade=False),),
)
OPPORTUNITY_STATUS_CHANGE_ENDPOINT = expose(
    OPPORTUNITY_STATUS_CHANGE,
    verbs=frozenset({"list", "get", "create", "delete"}),
    summary_name="Opportunity Status Change activity",
    tag="activities",
)

TASK_COMPLETED = _system(
    "activity/task_completed",
    "TaskCompleted",
    "activity.task_completed",
    _system_fields(
        payload_field("task_id", ID),
        payload_field("task_text"),
        payload_field("task_assigned_to", ID),
        payload_field("task_assigned_to_name"),
        payload_field("sequence_id", ID),
        payload_field("sequence_name"),
        payload_field("sequence_subscription_id", ID),
    ),
)
TASK_COMPLETED_ENDPOINT = expose(
    TASK_COMPLETED,
    verbs=frozenset({"list", "get", "delete"}),
    summary_name="Task Completed activity",
    tag="activities",
)

LEAD_MERGE = _system(
    "activity/lead_merge",
    "LeadMerge",
    "activity.lead_merge",
    _system_fields(
        payload_field("source_lead_id", ID),
        payload_field("source_display_name"),
        payload_field("destination_lead_id", ID),
        payload_field("destination_display_name"),
        payload_field("merge_status"),
        payload_field("error_message"),
    ),
)
LEAD_MERGE_ENDPOINT = expose(
    LEAD_MERGE, verbs=frozenset({"list", "get"}), summary_name="Lead Merge activity", tag="activities"
)

FORM_SUBMISSION = _system(
    "activity/form_submission",
    "FormSubmission",
    "activity.form_submission",
    _system_fields(
        shown("form_id", filter_operators=EQUAL),
        payload_field("form_name"),
        payload_field("form_configuration_id", ID),
        payload_field("values", OBJECT),
        payload_field("values_by_name", OBJECT),
        payload_field("ip_address"),
        payload_field("origin"),
        payload_field("source_url"),
        payload_field("source_url_normalized"),
    ),
)
FORM_SUBMISSION_ENDPOINT = expose(
    FORM_SUBMISSION,
    verbs=frozenset({"list", "get", "delete"}),
    summary_name="Form Submission activity",
    tag="activities",
)
