from leadbase.api.endpoint import expose
from leadbase.db.fields import ID, Field, Fields, shown
from leadbase.db.models import send_as
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.send_as.service import SendAsService

SEND_AS = register(
    ResourceSpec(
        path="send_as",
        table=send_as,
        id_prefix="sdas",
        model_name="SendAs",
        service=SendAsService,
        object_type="send_as",
        fields=Fields(
            (
                shown("id"),
                Field("allowing_user_id", ID, required=True, nullable=False, description="You"),
                Field(
                    "allowed_user_id", ID, required=True, nullable=False, description="Who may send as you"
                ),
                shown("organization_id"),
            )
        ),
    )
)
# DELETE /send_as/ (by the pair) and POST /send_as/bulk/ are in endpoints.py.
SEND_AS_ENDPOINT = expose(
    SEND_AS,
    verbs=frozenset({"list", "create", "get", "delete"}),
    create_status=201,
    delete_status=204,
    summary_name="Send As Association",
    tag="send_as",
)
