from leadbase.api.endpoint import expose
from leadbase.db.fields import ID, TEXT, Field, Fields
from leadbase.db.models import lead_status
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.status.service import LeadStatusService

LEAD_STATUS = register(
    ResourceSpec(
        path="status/lead",
        table=lead_status,
        id_prefix="stat",
        model_name="Status",
        service=LeadStatusService,
        object_type="status.lead",
        fields=Fields(
            (
                Field("id", ID, read_only=True),
                Field("label", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field(
                    "color",
                    TEXT,
                    strip=True,
                    max_length=64,
                    description="How the status is shown (Close's format is unconfirmed: any text).",
                ),
                Field("organization_id", ID, read_only=True),
            )
        ),
        default_order=("position",),
        orderings={"position": "position"},
    )
)
LEAD_STATUS_ENDPOINT = expose(LEAD_STATUS, summary_name="Lead Status", max_limit=1000, tag="lead_statuses")
