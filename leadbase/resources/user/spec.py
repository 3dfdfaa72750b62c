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
        verbs=frozenset({"list", "get"}),
        # The generic parser splits _order_by on commas; UserService accepts the two pairs Close documents.
        orderings={"last_name": "last_name", "first_name": "first_name"},
        tag="users",
    )
)
