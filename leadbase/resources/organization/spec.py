from leadbase.db.models import organization
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.organization.service import OrganizationService

ORGANIZATION = register(
    ResourceSpec(
        path="organization",
        table=organization,
        id_prefix="orga",
        model_name="Organization",
        service=OrganizationService,
        verbs=frozenset({"get", "update"}),
        tag="organizations",
    )
)
