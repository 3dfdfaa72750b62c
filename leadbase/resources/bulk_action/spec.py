"""Close's bulk actions (`/bulk_action/<kind>/`): list, create, get, one resource per kind.

The kinds share the `bulk_action` table (told apart by `kind`) and the fields below; each adds
its own. The fourth kind, sequence_subscription, is a spec here over `sequence.py`.
"""

from leadbase.api.endpoint import expose
from leadbase.db.fields import (
    BOOL,
    EQUAL,
    INT,
    OBJECT,
    OBJECTS,
    TEXT,
    Field,
    Fields,
    Structured,
    audit,
    shown,
)
from leadbase.db.models import bulk_action
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.bulk_action import delete, edit, email, sequence  # noqa: F401  (register the appliers)
from leadbase.resources.bulk_action.edit import BulkEditService
from leadbase.resources.bulk_action.sequence import BulkSequenceSubscriptionService
from leadbase.resources.bulk_action.service import BulkActionService, BulkDeleteService, BulkEmailService

ANY = Structured({"description": "any JSON value"})
VERBS = frozenset({"list", "create", "get"})


def _common(*own: Field) -> Fields:
    return Fields(
        (
            shown("id"),
            shown("status", TEXT, description="created, processing, done or error"),
            Field("s_query", OBJECT, description="The Advanced Filtering query selecting the leads."),
            Field("query", TEXT, description="A legacy query string, when s_query is not given."),
            Field("saved_search_id", TEXT, write_only=True, description="A smart view selecting the leads."),
            Field("results_limit", INT),
            Field("sort", OBJECTS),
            Field("send_done_email", BOOL, nullable=False, default=True),
            *own,
            shown("n_leads", INT, nullable=True),
            shown("n_leads_processed", INT),
            shown("n_objects", INT, nullable=True),
            shown("n_objects_processed", INT),
            shown("n_objects_skipped", INT, description="leadbase: recipients skipped (unsubscribed)"),
            *audit(),
        )
    )


def _spec(
    kind: str, prefix: str, model_name: str, service: type[BulkActionService], fields: Fields
) -> ResourceSpec:
    return register(
        ResourceSpec(
            path=f"bulk_action/{kind}",
            table=bulk_action,
            id_prefix=prefix,
            model_name=model_name,
            service=service,
            object_type=f"bulk_action.{kind}",
            discriminator=("kind", kind),
            fields=fields,
            default_order=("-date_created", "id"),
        )
    )


BULK_DELETE = _spec(
    "delete",
    "bulkdelete",
    "BulkDeleteAction",
    BulkDeleteService,
    _common(Field("bulk_object_type", TEXT, nullable=False, default="lead")),
)
BULK_EDIT = _spec(
    "edit",
    "bulkedit",
    "BulkEditAction",
    BulkEditService,
    _common(
        Field("type", TEXT, required=True, nullable=False),
        Field("lead_status_id", TEXT),
        Field("custom_field_id", TEXT, write_only=True),
        Field("custom_field_name", TEXT),
        Field("custom_field_value", ANY),
        Field("custom_field_values", OBJECTS, write_only=True),
        Field("custom_field_operation", TEXT, write_only=True),
    ),
)
BULK_EMAIL = _spec(
    "email",
    "bulkemail",
    "BulkEmailAction",
    BulkEmailService,
    _common(
        Field("template_id", TEXT, required=True, filter_operators=EQUAL),
        Field("contact_preference", TEXT, description="lead, contact or all"),
        Field("sender", TEXT),
        Field("email_account_id", TEXT),
    ),
)
BULK_SEQUENCE_SUBSCRIPTION = _spec(
    "sequence_subscription",
    "bulkseqsub",
    "BulkSequenceSubscriptionAction",
    BulkSequenceSubscriptionService,
    _common(
        Field(
            "action_type",
            TEXT,
            required=True,
            nullable=False,
            description="subscribe, resume, resume_finished or pause",
        ),
        Field("sequence_id", TEXT),
        Field("sender_account_id", TEXT),
        Field("sender_name", TEXT),
        Field("sender_email", TEXT),
        Field("contact_preference", TEXT, description="lead or contact"),
        Field("calls_assigned_to", ANY),
        Field("from_phone_number_id", TEXT),
    ),
)

for _spec_of_kind, _name in (
    (BULK_DELETE, "Bulk Delete"),
    (BULK_EDIT, "Bulk Edit"),
    (BULK_EMAIL, "Bulk Email"),
    (BULK_SEQUENCE_SUBSCRIPTION, "Bulk Sequence Subscription"),
):
    expose(_spec_of_kind, verbs=VERBS, summary_name=_name, tag="bulk actions")
