from leadbase.db.models import lead_status
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.status.service import LeadStatusService

LEAD_STATUS = register(
    ResourceSpec(
        path="status/lead",
        table=lead_status,
        id_prefix="stat",
        model_name="Status",
        summary_name="Lead Status",
        service=LeadStatusService,
        object_type="status.lead",
        default_order=("position",),
        orderings={"position": "position"},
        max_limit=1000,
        tag="lead_statuses",
    )
)
