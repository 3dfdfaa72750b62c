from leadbase.api.endpoint import expose
from leadbase.core.ids import SHORT
from leadbase.db.fields import BOOL, IDS, OBJECTS, TEXT, Field, Fields, audit, shown
from leadbase.db.models import custom_object_type
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.custom_object_type.service import CustomObjectTypeService
from leadbase.resources.custom_types import TYPE_ENDPOINT

CUSTOM_OBJECT_TYPE = register(
    ResourceSpec(
        path="custom_object_type",
        table=custom_object_type,
        id_prefix="cotype",
        id_length=SHORT,
        model_name="CustomObjectType",
        service=CustomObjectTypeService,
        object_type="custom_object_type",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False),
                Field("name_plural", TEXT, required=True, nullable=False, blank=False),
                Field("description", TEXT),
                Field("api_create_only", BOOL),
                Field("editable_with_roles", IDS),
                Field("is_archived", BOOL),
                Field("fields", OBJECTS, computed=True),
                shown("back_reference_fields", OBJECTS, computed=True),
                *audit(),
            )
        ),
    )
)
CUSTOM_OBJECT_TYPE_ENDPOINT = expose(
    CUSTOM_OBJECT_TYPE, summary_name="Custom Object Type", tag="custom_object_types", **TYPE_ENDPOINT
)
