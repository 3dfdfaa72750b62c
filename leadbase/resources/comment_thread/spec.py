from leadbase.api.endpoint import expose
from leadbase.db.fields import DATETIME, IDS, INT, TEXT, Field, Fields, shown
from leadbase.db.models import comment_thread
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.comment_thread.service import CommentThreadService

COMMENT_THREAD = register(
    ResourceSpec(
        path="comment_thread",
        table=comment_thread,
        id_prefix="comthr",
        model_name="CommentThread",
        service=CommentThreadService,
        object_type="comment_thread",
        lead_column="lead_id",
        # A thread goes with the object it is about: a lead, an opportunity or an activity of any
        # kind (declared on the family, so every member of `activity` has it: ResourceSpec.children).
        parents=(
            Parent("lead", "lead_id"),
            Parent("opportunity", "object_id", label="opportunity"),
            Parent("activity", "object_id", label="activity"),
        ),
        fields=Fields(
            (
                shown("id"),
                Field("object_id", read_only=True, nullable=False),
                shown("object_type", TEXT),
                shown("lead_id", nullable=True),
                shown("organization_id"),
                shown("num_comments", INT, computed=True),
                shown("participating", IDS, computed=True),
                shown("created_at", DATETIME, column="date_created", sortable=True),
                shown("updated_at", DATETIME, column="date_updated"),
            )
        ),
        default_order=("created_at",),
    )
)
COMMENT_THREAD_ENDPOINT = expose(
    COMMENT_THREAD, verbs=frozenset({"list", "get"}), summary_name="Comment Thread", tag="comments"
)
