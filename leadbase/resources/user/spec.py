from leadbase.api.endpoint import expose
from leadbase.db.fields import DATETIME, IDS, TEXT, Fields, shown
from leadbase.db.models import user
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.user.service import UserService

USER = register(
    ResourceSpec(
        path="user",
        table=user,
        id_prefix="user",
        model_name="User",
        service=UserService,
        # The generic parser splits _order_by on commas; UserService accepts the two pairs Close documents.
        orderings={"last_name": "last_name", "first_name": "first_name"},
        fields=Fields(
            (
                shown("id"),
                shown("email", TEXT),
                shown("first_name", TEXT),
                shown("last_name", TEXT),
                shown("display_name", TEXT, computed=True),
                shown("image", TEXT, nullable=True),
                shown("organizations", IDS, computed=True),
                shown("date_created", DATETIME),
                shown("date_updated", DATETIME),
            )
        ),
    )
)
USER_ENDPOINT = expose(USER, verbs=frozenset({"list", "get"}), tag="users")
