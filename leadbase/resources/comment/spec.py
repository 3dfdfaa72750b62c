from leadbase.api.endpoint import expose
from leadbase.db.fields import DATETIME, IDS, TEXT, Field, Fields, shown
from leadbase.db.models import comment
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.comment.service import CommentService

COMMENT = register(
    ResourceSpec(
        path="comment",
        table=comment,
        id_prefix="comm",
        model_name="Comment",
        service=CommentService,
        object_type="comment",
        lead_column="lead_id",
        parents=(Parent("comment_thread", "thread_id", touches=True, label="thread"),),
        fields=Fields(
            (
                shown("id"),
                Field("object_id", required=True, write_only=True, description="The commented object."),
                shown("thread_id"),
                shown("lead_id", nullable=True),
                shown("organization_id"),
                Field("body", TEXT, required=True, nullable=False, description="<body>...</body> rich text"),
                shown("mentions", IDS),
                shown("created_by", nullable=True),
                shown("updated_by", nullable=True),
                shown("created_at", DATETIME, column="date_created", sortable=True),
                shown("updated_at", DATETIME, column="date_updated"),
                shown("removed_at", DATETIME, nullable=True),
                shown("removed_by", nullable=True),
            )
        ),
        default_order=("created_at",),
    )
)
COMMENT_ENDPOINT = expose(
    COMMENT,
    # DELETE is served by endpoints.py (a removal, not a plain delete), ahead of the generic route.
    verbs=frozenset({"list", "create", "get", "update", "delete"}),
    create_status=201,
    delete_status=204,
    summary_name="Comment",
    tag="comments",
)
