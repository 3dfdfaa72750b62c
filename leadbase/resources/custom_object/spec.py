from leadbase.api.endpoint import expose
from leadbase.db.fields import EQUAL, Field, Fields, audit, shown
from leadbase.db.models import custom_object
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.common import name_field
from leadbase.resources.custom_object.service import CustomObjectService

CUSTOM_OBJECT = register(
    ResourceSpec(
        path="custom_object",
        table=custom_object,
        id_prefix="custobj",
        model_name="CustomObject",
        service=CustomObjectService,
        object_type="custom_object",
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id"), Parent("custom_object_type", "custom_object_type_id")),
        custom_field_kind="custom_object",
        custom_type_column="custom_object_type_id",
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                Field("custom_object_type_id", required=True, filter_operators=EQUAL),
                Field("lead_id", required=True),
                name_field(sortable=True),
                *audit(sortable=True),
            ),
            custom=True,
        ),
    )
)
CUSTOM_OBJECT_ENDPOINT = expose(
    CUSTOM_OBJECT, summary_name="Custom Object", create_status=201, delete_status=204, tag="custom_objects"
)
