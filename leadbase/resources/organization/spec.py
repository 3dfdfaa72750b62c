from leadbase.api.endpoint import expose
from leadbase.db.fields import DATETIME, OBJECTS, TEXT, Field, Fields, shown
from leadbase.db.models import organization
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.organization.service import OrganizationService, currency_value

ORGANIZATION = register(
    ResourceSpec(
        path="organization",
        table=organization,
        id_prefix="orga",
        model_name="Organization",
        service=OrganizationService,
        # An organization is its own tenant: only the caller's is visible.
        tenant_column="id",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, nullable=False, blank=False, strip=True, max_length=255),
                Field("currency", TEXT, nullable=False, cleaner=currency_value),
                shown("currency_symbol", TEXT, computed=True),
                Field(
                    "lead_statuses",
                    OBJECTS,
                    computed=True,
                    description="Every lead status, in the new order (on update).",
                ),
                shown("pipelines", OBJECTS, computed=True),
                shown("opportunity_statuses", OBJECTS, computed=True),
                shown("memberships", OBJECTS, computed=True),
                shown("inactive_memberships", OBJECTS, computed=True),
                shown("lead_custom_fields", OBJECTS, computed=True),
                shown("date_created", DATETIME),
                shown("date_updated", DATETIME),
                shown("created_by", nullable=True),
                shown("updated_by", nullable=True),
            )
        ),
    )
)
ORGANIZATION_ENDPOINT = expose(ORGANIZATION, verbs=frozenset({"get", "update"}), tag="organizations")
