from leadbase.api.endpoint import expose
from leadbase.db.fields import (
    BOOL,
    DATETIME,
    EQUAL,
    INT,
    OBJECT,
    OBJECTS,
    RANGE,
    TEXT,
    Field,
    Fields,
    audit,
    list_of,
    obj,
    shown,
)
from leadbase.db.models import opportunity
from leadbase.db.query import FilterSpec
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.deals import CHOICE_STATUS_TYPE, DAY, Choice
from leadbase.resources.opportunity.service import PERIODS, OpportunityService

STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}
ATTACHMENTS = list_of(
    obj(
        url=STRING,
        filename=STRING,
        content_type=STRING,
        size={"type": "integer"},
        thumbnail_url=NULLABLE_STRING,
    )
)

OPPORTUNITY = register(
    ResourceSpec(
        path="opportunity",
        table=opportunity,
        id_prefix="oppo",
        model_name="Opportunity",
        service=OpportunityService,
        object_type="opportunity",
        lead_column="lead_id",
        parents=(
            Parent("lead", "lead_id"),
            # References, never cascaded: filter paths (`status.type`) and typed handles.
            Parent("status/opportunity", "status_id", cascade=False, label="status"),
            Parent("contact", "contact_id", cascade=False),
        ),
        custom_field_kind="opportunity",
        # The owner's name is not a column: the service sorts by it (OpportunityService.scope).
        orderings={"user_name": "user_id"},
        filters={
            "status_type": FilterSpec("status_type", "text", EQUAL, column="status.type"),
            "status_label": FilterSpec("status_label", "text", EQUAL, column="status.label"),
            "status": FilterSpec("status", "text", EQUAL, column="status.label"),
        },
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                Field(
                    "lead_id", filter_operators=EQUAL, description="Created with a new lead when left out."
                ),
                shown("lead_name", TEXT, computed=True, nullable=True),
                Field("contact_id", description="A contact of the opportunity's lead."),
                shown("contact_name", TEXT, computed=True, nullable=True),
                Field("user_id", filter_operators=EQUAL, description="The owner; the creator by default."),
                shown("user_name", TEXT, computed=True, nullable=True),
                Field(
                    "status_id",
                    filter_operators=EQUAL,
                    description="The first status of the pipeline (or of the organization) when left out.",
                ),
                Field(
                    "status",
                    TEXT,
                    write_only=True,
                    description="A status label, instead of status_id (deprecated).",
                ),
                shown("status_label", TEXT, computed=True),
                shown("status_display_name", TEXT, computed=True),
                shown("status_type", CHOICE_STATUS_TYPE, computed=True),
                Field(
                    "pipeline_id",
                    computed=True,
                    description="On a write: the pipeline whose first status to take.",
                ),
                shown("pipeline_name", TEXT, computed=True, nullable=True),
                Field("value", INT, sortable=True, description="In cents."),
                Field(
                    "value_period",
                    Choice(PERIODS),
                    nullable=False,
                    default="one_time",
                    filter_operators=EQUAL,
                ),
                shown("value_currency", TEXT, computed=True, nullable=True),
                shown("value_formatted", TEXT, computed=True, nullable=True),
                Field("confidence", INT, nullable=False, default=0, sortable=True),
                shown("expected_value", INT, nullable=True),
                shown("annualized_value", INT, nullable=True, sortable=True),
                shown("annualized_expected_value", INT, nullable=True, sortable=True),
                Field("note", TEXT),
                Field(
                    "date_won",
                    DAY,
                    filter_operators=EQUAL | RANGE,
                    sortable=True,
                    description="Today when the opportunity enters a won status without one.",
                ),
                shown("date_lost", DATETIME, nullable=True),
                Field(
                    "attachments", ATTACHMENTS, computed=True, description="[{url, filename, content_type}]"
                ),
                shown("integration_links", OBJECTS, computed=True),
                shown("comment_summary", OBJECT, computed=True, nullable=True),
                shown("is_stalled", BOOL, computed=True),
                shown("stall_status", OBJECT, computed=True, nullable=True),
                shown("suggested_action", OBJECT, computed=True, nullable=True),
                *audit(dates=RANGE, sortable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
            ),
            custom=True,
        ),
    )
)
OPPORTUNITY_ENDPOINT = expose(OPPORTUNITY, tag="opportunities")
