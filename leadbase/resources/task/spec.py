from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, EQUAL, RANGE, TEXT, Field, Fields, filterable, shown
from leadbase.db.models import task
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.task.service import TaskService

TASK = register(
    ResourceSpec(
        path="task",
        table=task,
        id_prefix="task",
        model_name="Task",
        service=TaskService,
        # `task.lead` for lead tasks, `task.missed_call`... for the others: the `type` column.
        object_type="task.lead",
        object_type_column="type",
        lead_column="lead_id",
        parents=(
            Parent("lead", "lead_id"),
            # A reference for filter paths and names, not a parent the task goes with.
            Parent("contact", "contact_id", cascade=False),
        ),
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                Field("_type", TEXT, column="type", description="lead (default) or outgoing_call"),
                Field("lead_id", required=True, filter_operators=EQUAL),
                shown("lead_name", TEXT, computed=True, nullable=True),
                Field("contact_id", filter_operators=EQUAL),
                shown("contact_name", TEXT, computed=True, nullable=True),
                Field("assigned_to", filter_operators=EQUAL),
                shown("assigned_to_name", TEXT, computed=True, nullable=True),
                Field("text", TEXT),
                Field(
                    "date",
                    TEXT,
                    column="due_at",
                    sortable=True,
                    nullable=False,
                    description="YYYY-MM-DD or an ISO 8601 datetime; today and is_dateless when left out.",
                ),
                shown("due_date", TEXT, computed=True, description="Deprecated: the same as date."),
                Field("is_dateless", BOOL, nullable=False),
                Field("is_complete", BOOL, nullable=False, filter_operators=filterable("eq")),
                shown("view", TEXT, computed=True, description="inbox, future or archive"),
                Field("priority", TEXT, description="high or medium"),
                Field("resolution", TEXT, description="abandoned or skipped"),
                shown("object_type", TEXT, nullable=True),
                shown("object_id", nullable=True),
                shown("organization_id"),
                shown("created_by", nullable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by", nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
                shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
                shown("date_updated", DATETIME, filter_operators=RANGE),
            )
        ),
    )
)
TASK_ENDPOINT = expose(TASK, tag="tasks")
