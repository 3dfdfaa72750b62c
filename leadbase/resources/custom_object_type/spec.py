from leadbase.api.endpoint import expose
from leadbase.core.ids import SHORT
from leadbase.db.models import custom_object_type
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.custom_object_type.service import CustomObjectTypeService
from leadbase.resources.custom_types import TYPE_ENDPOINT, type_fields

CUSTOM_OBJECT_TYPE = register(
    ResourceSpec(
        path="custom_object_type",
        table=custom_object_type,
        id_prefix="cotype",
        id_length=SHORT,
        model_name="CustomObjectType",
        service=CustomObjectTypeService,
        object_type="custom_object_type",
        fields=type_fields(plural=True, back_references=True),
    )
)
CUSTOM_OBJECT_TYPE_ENDPOINT = expose(
    CUSTOM_OBJECT_TYPE, summary_name="Custom Object Type", tag="custom_object_types", **TYPE_ENDPOINT
)
