from leadbase.api.endpoint import expose
from leadbase.db.fields import IDS, TEXT, Field, Fields, audit, shown
from leadbase.db.models import outcome
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.outcome.service import OutcomeService, outcome_type

OUTCOME = register(
    ResourceSpec(
        path="outcome",
        table=outcome,
        id_prefix="outcome",
        model_name="Outcome",
        service=OutcomeService,
        object_type="outcome",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field("description", TEXT, strip=True, default=""),
                Field(
                    "type",
                    TEXT,
                    nullable=False,
                    default="custom",
                    cleaner=outcome_type,
                    description="custom (calls and meetings) or vm-dropped (set on voicemail drops)",
                ),
                # Deprecated for writes by Close (2026-03-06): derived from the type, writes ignored.
                shown("applies_to", IDS, computed=True),
                *audit(),
            )
        ),
        default_order=("date_created",),
    )
)
OUTCOME_ENDPOINT = expose(OUTCOME, create_status=201, summary_name="Outcome", tag="outcomes")
