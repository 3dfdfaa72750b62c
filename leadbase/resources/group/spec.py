from leadbase.api.endpoint import expose
from leadbase.db.fields import ID, TEXT, Field, Fields, list_of, obj, shown
from leadbase.db.models import group_member, user_group
from leadbase.db.resource import Embedded, Parent, ResourceSpec, register
from leadbase.resources.group.service import GroupMemberService, GroupService

GROUP = register(
    ResourceSpec(
        path="group",
        table=user_group,
        id_prefix="group",
        model_name="Group",
        service=GroupService,
        object_type="group",
        embeds=(Embedded("members", "group/member", "group_id"),),
        fields=Fields(
            (
                Field("id", ID, read_only=True),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                shown("organization_id"),
                shown("members", list_of(obj(user_id={"type": "string"})), computed=True),
            )
        ),
        default_order=("name", "id"),
        orderings={"name": "name"},
    )
)
GROUP_ENDPOINT = expose(GROUP, create_status=201, delete_status=204, tag="groups")

# A user in a group: no endpoint of its own (POST /group/{id}/member/, DELETE .../{user_id}/),
# and no event: the group records the change of its `members`.
GROUP_MEMBER = register(
    ResourceSpec(
        path="group/member",
        table=group_member,
        id_prefix="grpm",
        model_name="GroupMember",
        service=GroupMemberService,
        parents=(Parent("group", "group_id", cascade=True, touches=True),),
        fields=Fields((shown("user_id"),)),
    )
)
# Served only through the group's member routes (endpoints.py).
GROUP_MEMBER_ENDPOINT = expose(GROUP_MEMBER, verbs=frozenset(), tag="groups")
