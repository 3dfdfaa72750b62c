"""Scheduling links: `/scheduling_link/` (a member's own), `/shared_scheduling_link/` (the
organization's) and `/shared_scheduling_link_association/` (a member's mapping of a shared link).
The three live in one package since they share a table and refer to each other."""

from leadbase.api.endpoint import expose
from leadbase.core.ids import SHORT
from leadbase.db.fields import INT, TEXT, Field, Fields, shown
from leadbase.db.models import scheduling_link, scheduling_link_map
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.scheduling_link.service import (
    SHARED,
    USER,
    LinkMapService,
    SharedLinkService,
    UserLinkService,
    link_fields,
)

SOURCE = "MANUAL, THIRD_PARTY (an integration's) or CALENDLY"


def _shown_link_fields(*, user: bool) -> tuple[Field, ...]:
    """What both kinds show besides name, url and description (USER links also `oauth_client_id`)."""
    return (
        shown("duration_in_minutes", INT, nullable=True),
        *((shown("oauth_client_id", nullable=True),) if user else ()),
        shown("organization_id"),
        shown("source", TEXT, description=SOURCE),
        shown("source_id", TEXT, nullable=True),
        shown("source_type", TEXT, nullable=True),
        shown("template_tag", TEXT, nullable=True),
        shown("type", TEXT, description="USER or SHARED"),
        shown("user_id", nullable=not user),
    )


SCHEDULING_LINK = register(
    ResourceSpec(
        path="scheduling_link",
        table=scheduling_link,
        id_prefix="schlnk",
        id_length=SHORT,
        model_name="SchedulingLink",
        service=UserLinkService,
        # Close documents no events for scheduling links; leadbase logs them like any setting.
        object_type="scheduling_link",
        discriminator=("type", USER),
        fields=Fields((shown("id"), *link_fields(url_required=True), *_shown_link_fields(user=True))),
        default_order=("date_created",),
    )
)
SCHEDULING_LINK_ENDPOINT = expose(
    SCHEDULING_LINK,
    create_status=201,
    delete_status=204,
    summary_name="User Scheduling Link",
    tag="scheduling_links",
)

SHARED_SCHEDULING_LINK = register(
    ResourceSpec(
        path="shared_scheduling_link",
        table=scheduling_link,
        id_prefix="schlnk",
        id_length=SHORT,
        model_name="SchedulingLink",
        service=SharedLinkService,
        object_type="shared_scheduling_link",
        discriminator=("type", SHARED),
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field("description", TEXT),
                shown("url", TEXT, nullable=True),
                *_shown_link_fields(user=False),
            )
        ),
        default_order=("date_created",),
    )
)
SHARED_SCHEDULING_LINK_ENDPOINT = expose(
    SHARED_SCHEDULING_LINK,
    create_status=201,
    delete_status=204,
    summary_name="Shared Scheduling Link",
    tag="scheduling_links",
)

# A member's mapping: answered as Close echoes it (no id), recorded in the event log, and deleted
# with its shared link or with the user link it points at.
SHARED_SCHEDULING_LINK_ASSOCIATION = register(
    ResourceSpec(
        path="shared_scheduling_link_association",
        table=scheduling_link_map,
        id_prefix="schlnkmap",
        id_length=SHORT,
        model_name="SharedSchedulingLinkAssociation",
        service=LinkMapService,
        object_type="shared_scheduling_link_association",
        parents=(
            Parent("shared_scheduling_link", "shared_link_id"),
            Parent("scheduling_link", "user_link_id"),
        ),
        fields=Fields(
            (
                shown("organization_id"),
                shown("shared_scheduling_link_id", column="shared_link_id"),
                shown("user_id"),
                shown("user_scheduling_link_id", nullable=True, column="user_link_id"),
                shown("url", TEXT, nullable=True),
            )
        ),
    )
)
# Served by endpoints.py: POST /shared_scheduling_link_association/ and .../unmap/.
SHARED_SCHEDULING_LINK_ASSOCIATION_ENDPOINT = expose(
    SHARED_SCHEDULING_LINK_ASSOCIATION, verbs=frozenset(), tag="scheduling_links"
)
