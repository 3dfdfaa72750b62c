from leadbase.api.endpoint import expose
from leadbase.db.fields import TEXT, Field, Fields, audit, shown
from leadbase.db.models import integration_link
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.integration_link.service import IntegrationLinkService

INTEGRATION_LINK = register(
    ResourceSpec(
        path="integration_link",
        table=integration_link,
        id_prefix="intlink",
        model_name="IntegrationLink",
        service=IntegrationLinkService,
        # Close documents no events for integration links; leadbase logs them like any setting.
        object_type="integration_link",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field(
                    "url",
                    TEXT,
                    required=True,
                    nullable=False,
                    blank=False,
                    strip=True,
                    description="A URL template: {{ lead.id }}, {{ contact.name }}...",
                ),
                Field(
                    "type", TEXT, required=True, nullable=False, description="lead, contact or opportunity"
                ),
                *audit(),
            )
        ),
    )
)
INTEGRATION_LINK_ENDPOINT = expose(INTEGRATION_LINK, summary_name="Integration Link", tag="integration_links")
