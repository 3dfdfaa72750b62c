from leadbase.db.models import lead
from leadbase.db.query import RANGE_OPERATORS, FilterSpec
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.lead.service import LeadService

LEAD = register(
    ResourceSpec(
        path="lead",
        table=lead,
        id_prefix="lead",
        model_name="Lead",
        service=LeadService,
        object_type="lead",
        lead_column="id",
        custom_field_kind="lead",
        total_results=True,
        filters={
            "id": FilterSpec("id", "id"),
            "status_id": FilterSpec("status_id", "id"),
            "date_created": FilterSpec("date_created", "datetime", RANGE_OPERATORS),
            "date_updated": FilterSpec("date_updated", "datetime", RANGE_OPERATORS),
        },
        orderings={"date_created": "date_created", "date_updated": "date_updated", "name": "name"},
        tag="leads",
    )
)
