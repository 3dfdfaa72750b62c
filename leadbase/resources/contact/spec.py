from leadbase.db.models import contact
from leadbase.db.query import RANGE_OPERATORS, FilterSpec
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.contact.service import ContactService

CONTACT = register(
    ResourceSpec(
        path="contact",
        table=contact,
        id_prefix="cont",
        model_name="Contact",
        service=ContactService,
        object_type="contact",
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id", touches=True),),
        custom_field_kind="contact",
        filters={
            "id": FilterSpec("id", "id"),
            "lead_id": FilterSpec("lead_id", "id"),
            "date_created": FilterSpec("date_created", "datetime", RANGE_OPERATORS),
            "date_updated": FilterSpec("date_updated", "datetime", RANGE_OPERATORS),
        },
        orderings={"date_created": "date_created", "date_updated": "date_updated", "name": "name"},
        tag="contacts",
    )
)
