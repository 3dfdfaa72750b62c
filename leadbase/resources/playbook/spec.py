from leadbase.api.endpoint import expose
from leadbase.core.ids import SHORT
from leadbase.db.fields import DATETIME, IDS, INT, TEXT, Field, Fields, shown
from leadbase.db.models import playbook
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.playbook.service import PlaybookService

PLAYBOOK = register(
    ResourceSpec(
        path="playbook",
        table=playbook,
        # Close's playbooks are its conversation types (a call's conversation_type_id).
        id_prefix="convtyp",
        id_length=SHORT,
        model_name="Playbook",
        service=PlaybookService,
        # Close documents no events for playbooks; leadbase logs them like any setting.
        object_type="playbook",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field("description", TEXT),
                Field(
                    "summary_guidance",
                    TEXT,
                    description="Guidance for AI summaries of the calls and meetings of this playbook.",
                ),
                Field("outcome_ids", IDS, nullable=False, default=list, description="Ids of outcomes."),
                Field(
                    "custom_field_ids",
                    IDS,
                    nullable=False,
                    default=list,
                    description="Ids of shared custom fields.",
                ),
                shown(
                    "position",
                    INT,
                    nullable=True,
                    description="The order of active playbooks; null when archived.",
                ),
                shown("archived_at", DATETIME, nullable=True),
                shown("archived_by_id", nullable=True, column="archived_by"),
                shown("organization_id"),
                shown(
                    "created_at",
                    DATETIME,
                    column="date_created",
                    filter_operators=frozenset({"lt"}),
                    sortable=True,
                ),
                shown("created_by_id", nullable=True, column="created_by"),
                shown("updated_at", DATETIME, column="date_updated"),
                shown("updated_by_id", nullable=True, column="updated_by"),
            )
        ),
        # Active playbooks in their order, then the archived ones (position null) oldest first.
        default_order=("is_archived", "position", "created_at"),
    )
)
PLAYBOOK_ENDPOINT = expose(
    PLAYBOOK,
    create_status=201,
    delete_status=204,
    summary_name="Playbook",
    tag="playbooks",
    # Read by PlaybookService.list_filter.
    list_parameters=(
        {
            "name": "is_archived",
            "in": "query",
            "required": False,
            "schema": {"type": "boolean"},
            "description": "Only archived (true) or active (false) playbooks; both when omitted.",
        },
        {
            "name": "position__gt",
            "in": "query",
            "required": False,
            "schema": {"type": "integer"},
            "description": "Playbooks whose position is greater than this.",
        },
    ),
)
