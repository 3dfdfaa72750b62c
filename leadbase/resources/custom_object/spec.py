from leadbase.db.models import custom_object
from leadbase.db.query import FilterSpec
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.custom_object.service import CustomObjectService

CUSTOM_OBJECT = register(
    ResourceSpec(
        path="custom_object",
        table=custom_object,
        id_prefix="custobj",
        model_name="CustomObject",
        summary_name="Custom Object",
        service=CustomObjectService,
        object_type="custom_object",
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id"), Parent("custom_object_type", "custom_object_type_id")),
        custom_field_kind="custom_object",
        custom_type_column="custom_object_type_id",
        filters={
            "id": FilterSpec("id", "id"),
            "custom_object_type_id": FilterSpec("custom_object_type_id", "id"),
        },
        orderings={"date_created": "date_created", "date_updated": "date_updated", "name": "name"},
        create_status=201,
        delete_status=204,
        tag="custom_objects",
    )
)
