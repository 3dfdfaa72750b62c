from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, ID, IDS, TEXT, Field, Fields, audit, shown
from leadbase.db.models import role
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.role.service import RoleService

ROLE = register(
    ResourceSpec(
        path="role",
        table=role,
        id_prefix="role",
        model_name="Role",
        service=RoleService,
        object_type="role",
        fields=Fields(
            (
                Field("id", ID, read_only=True),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                shown("editable", BOOL, computed=True),
                Field("permissions", IDS, nullable=False, default=list),
                Field("visibility_user_lcf_ids", IDS),
                Field("visibility_user_lcf_behavior", TEXT),
                *audit(),
            )
        ),
    )
)
# The list (built-in roles first) is served by endpoints.py.
ROLE_ENDPOINT = expose(
    ROLE, verbs=frozenset({"create", "get", "update", "delete"}), create_status=201, tag="roles"
)
