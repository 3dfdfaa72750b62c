from leadbase.api.endpoint import expose
from leadbase.db.fields import ID, TEXT, Field, Fields
from leadbase.db.models import opportunity_status
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.deals import CHOICE_STATUS_TYPE
from leadbase.resources.opportunity_status.service import OpportunityStatusService

OPPORTUNITY_STATUS = register(
    ResourceSpec(
        path="status/opportunity",
        table=opportunity_status,
        id_prefix="stat",
        model_name="Status",
        service=OpportunityStatusService,
        object_type="status.opportunity",
        # Joining or leaving a pipeline changes the pipeline's `statuses`.
        parents=(Parent("pipeline", "pipeline_id", cascade=False, touches=True),),
        fields=Fields(
            (
                Field("id", ID, read_only=True),
                Field("label", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field(
                    "type",
                    CHOICE_STATUS_TYPE,
                    required=True,
                    nullable=False,
                    description="active, won or lost (`status_type` is accepted too); set on create.",
                ),
                Field(
                    "pipeline_id",
                    ID,
                    description="The pipeline the status joins (the first one when left out); set on create.",
                ),
                Field("organization_id", ID, read_only=True),
            )
        ),
        default_order=("position",),
        orderings={"position": "position"},
    )
)
OPPORTUNITY_STATUS_ENDPOINT = expose(
    OPPORTUNITY_STATUS,
    summary_name="Opportunity Status",
    max_limit=1000,
    tag="opportunity_statuses",
)
